from django.contrib import admin

from coaching.reviews.models import Annotation, Comment


@admin.register(Annotation)
class AnnotationAdmin(admin.ModelAdmin):
    list_display = ["video", "kind", "t_start", "t_end", "author", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["video__title", "text"]
    raw_id_fields = ["video"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["video", "author", "t_start", "created_at"]
    search_fields = ["video__title", "body"]
    raw_id_fields = ["video", "annotation"]
