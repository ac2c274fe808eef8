from django.contrib import admin

from coaching.videos.models import Video


@admin.register(Video)
class VideoAdmin(admin.ModelAdmin):
    list_display = ["title", "athlete", "team", "recorded_on", "duration_s", "width", "height"]
    list_filter = ["team", "codec"]
    search_fields = ["title", "athlete__name", "original_name"]
    readonly_fields = ["size_bytes", "container", "codec", "width", "height", "rotation", "fps",
                       "duration_s", "frame_count", "bit_depth", "transfer", "has_audio", "created_at"]
