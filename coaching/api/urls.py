"""/api/v1/ (REST, OpenAPI schema and its documentation page) and the account page for tokens.
Names start with api_ so the permission tests find every endpoint (tests/coaching/athletes)."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from coaching.api import analysis_views as a
from coaching.api import review_views as r
from coaching.api import token_views, track_views, tus, webhook_views
from coaching.api import views as v

V1 = "api/v1/"

urlpatterns = [
    path("accounts/api-tokens/", token_views.api_tokens, name="api_tokens"),
    path("teams/<int:team_id>/webhooks/", webhook_views.team_webhooks, name="team_webhooks"),
    path(V1 + "schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path(V1 + "docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
    path(V1 + "teams/", v.TeamList.as_view(), name="api_team_list"),
    path(V1 + "teams/<int:team_id>/", v.TeamDetail.as_view(), name="api_team_detail"),
    path(V1 + "teams/<int:team_id>/athletes/", v.TeamAthleteCreate.as_view(), name="api_athlete_create"),
    path(V1 + "athletes/", v.AthleteList.as_view(), name="api_athlete_list"),
    path(V1 + "athletes/<int:athlete_id>/", v.AthleteDetail.as_view(), name="api_athlete_detail"),
    path(V1 + "athletes/<int:athlete_id>/metrics/", r.AthleteMetrics.as_view(), name="api_athlete_metrics"),
    path(V1 + "athletes/<int:athlete_id>/uploads/", tus.UploadCreate.as_view(), name="api_upload_create"),
    path(V1 + "uploads/<uuid:upload_id>/", tus.UploadResource.as_view(), name="api_upload"),
    path(V1 + "videos/", v.VideoList.as_view(), name="api_video_list"),
    path(V1 + "videos/<int:video_id>/", v.VideoDetail.as_view(), name="api_video_detail"),
    path(V1 + "videos/<int:video_id>/original/", v.VideoOriginal.as_view(), name="api_video_original"),
    path(V1 + "videos/<int:video_id>/rerun/", v.VideoRerun.as_view(), name="api_video_rerun"),
    path(V1 + "videos/<int:video_id>/comments/", r.CommentList.as_view(), name="api_comment_list"),
    path(V1 + "videos/<int:video_id>/comments/<int:comment_id>/", r.CommentDetail.as_view(),
         name="api_comment_detail"),
    path(V1 + "videos/<int:video_id>/annotations/", r.AnnotationList.as_view(), name="api_annotation_list"),
    path(V1 + "videos/<int:video_id>/annotations/<int:annotation_id>/", r.AnnotationDetail.as_view(),
         name="api_annotation_detail"),
    path(V1 + "analyses/", a.AnalysisList.as_view(), name="api_analysis_list"),
    path(V1 + "analyses/<int:analysis_id>/", a.AnalysisDetail.as_view(), name="api_analysis_detail"),
    path(V1 + "analyses/<int:analysis_id>/cancel/", a.AnalysisCancel.as_view(), name="api_analysis_cancel"),
    path(V1 + "analyses/<int:analysis_id>/summary/", a.AnalysisSummary.as_view(), name="api_analysis_summary"),
    path(V1 + "analyses/<int:analysis_id>/events/", a.AnalysisEvents.as_view(), name="api_analysis_events"),
    path(V1 + "analyses/<int:analysis_id>/findings/", a.AnalysisFindings.as_view(),
         name="api_analysis_findings"),
    path(V1 + "analyses/<int:analysis_id>/actions/", a.AnalysisActions.as_view(), name="api_analysis_actions"),
    path(V1 + "analyses/<int:analysis_id>/angles.csv", a.AnalysisAngles.as_view(), name="api_analysis_angles"),
    path(V1 + "analyses/<int:analysis_id>/files/<str:kind>/", a.AnalysisFile.as_view(),
         name="api_analysis_file"),
    path(V1 + "analyses/<int:analysis_id>/tracks/", track_views.AnalysisTracks.as_view(),
         name="api_analysis_tracks"),
    path(V1 + "analyses/<int:analysis_id>/track-edits/", track_views.TrackEditList.as_view(),
         name="api_track_edit_list"),
    path(V1 + "analyses/<int:analysis_id>/track-edits/<int:track_edit_id>/",
         track_views.TrackEditDetail.as_view(), name="api_track_edit_detail"),
    path(V1 + "analyses/<int:analysis_id>/exports/<str:fmt>/", a.AnalysisExport.as_view(),
         name="api_analysis_export"),
]
