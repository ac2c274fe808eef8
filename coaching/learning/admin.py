from django.contrib import admin

from coaching.learning.models import (
    ActionLabel,
    ActionRelabel,
    SegmentationWeights,
    TeamActionModel,
)


@admin.register(ActionLabel)
class ActionLabelAdmin(admin.ModelAdmin):
    list_display = ("label", "analysis", "start", "end", "created_by", "created_at")
    list_filter = ("label",)


@admin.register(TeamActionModel)
class TeamActionModelAdmin(admin.ModelAdmin):
    list_display = ("team", "version", "status", "active", "created_at")
    list_filter = ("status", "active")


@admin.register(ActionRelabel)
class ActionRelabelAdmin(admin.ModelAdmin):
    list_display = ("pk", "analysis", "status", "attempts", "created_at")
    list_filter = ("status",)


@admin.register(SegmentationWeights)
class SegmentationWeightsAdmin(admin.ModelAdmin):
    list_display = ("pk", "status", "videos", "active", "created_at")
