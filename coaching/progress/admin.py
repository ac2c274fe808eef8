from django.contrib import admin

from coaching.progress.models import MetricRow, Reference


@admin.register(MetricRow)
class MetricRowAdmin(admin.ModelAdmin):
    list_display = ("athlete", "recorded_on", "action", "metric", "value", "unit", "analysis")
    list_filter = ("metric", "action")
    raw_id_fields = ("team", "athlete", "analysis")


@admin.register(Reference)
class ReferenceAdmin(admin.ModelAdmin):
    list_display = ("team", "action", "analysis", "start", "end", "set_by", "set_at")
    raw_id_fields = ("team", "analysis")
