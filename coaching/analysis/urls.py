from django.urls import path

from coaching.analysis import views

urlpatterns = [
    path("analyses/<int:analysis_id>/tracks/", views.analysis_tracks, name="analysis_tracks"),
    path("analyses/<int:analysis_id>/tracks/edit/", views.analysis_track_edit, name="analysis_track_edit"),
]
