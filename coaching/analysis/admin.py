from django.contrib import admin

from coaching.analysis.models import Analysis, AthleteChoice, TrackEdit


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


@admin.register(TrackEdit)
class TrackEditAdmin(admin.ModelAdmin):
    list_display = ["pk", "analysis", "operation", "track_id", "other_track_id", "at_s", "reverts",
                    "result_track_id", "athlete_before", "athlete_after", "status", "requested_by", "created_at"]
    list_filter = ["status", "operation"]
    readonly_fields = ["created_at", "enqueued_at", "started_at", "heartbeat_at", "finished_at", "attempts",
                       "worker_host"]
