from django.urls import path

from coaching.progress import views

urlpatterns = [
    path("athletes/<int:athlete_id>/progress/", views.athlete_progress, name="athlete_progress"),
    path("teams/<int:team_id>/dashboard/", views.team_dashboard, name="team_dashboard"),
    path("teams/<int:team_id>/references/", views.team_references, name="team_references"),
    path("analyses/<int:analysis_id>/compare/", views.compare, name="analysis_compare"),
    path("analyses/<int:analysis_id>/reference/", views.reference_set, name="reference_set"),
]
