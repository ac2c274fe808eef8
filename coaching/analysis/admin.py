from django.contrib import admin

from coaching.analysis.models import Analysis, AthleteChoice


@admin.register(Analysis)
class AnalysisAdmin(admin.ModelAdmin):
    list_display = ["pk", "video", "status", "stage", "progress", "backend", "created_at",
                    "attempts", "worker_host"]
    list_filter = ["status", "backend"]
    search_fields = ["video__title"]
    readonly_fields = ["created_at", "enqueued_at", "started_at", "heartbeat_at", "finished_at",
                       "attempts", "worker_host", "timings", "summary"]


@admin.register(AthleteChoice)
class AthleteChoiceAdmin(admin.ModelAdmin):
    list_display = ["pk", "analysis", "track_id", "status", "attempts", "requested_by", "created_at"]
    list_filter = ["status"]
