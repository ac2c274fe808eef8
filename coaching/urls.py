from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from coaching.accounts import views as account_views
from coaching.analysis import views as analysis_views
from coaching.athletes import member_views
from coaching.athletes import views as athlete_views
from coaching.learning import views as learning_views
from coaching.reports import views as report_views
from coaching.reviews import views as review_views
from coaching.videos import views as video_views

urlpatterns = [
    path("", athlete_views.home, name="home"),
    path("accounts/login/", account_views.RateLimitedLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("teams/new/", athlete_views.team_create, name="team_create"),
    path("teams/<int:team_id>/", athlete_views.team_detail, name="team_detail"),
    path("teams/<int:team_id>/members/", member_views.team_members, name="team_members"),
    path(
        "teams/<int:team_id>/members/<int:membership_id>/remove/",
        member_views.membership_delete,
        name="membership_delete",
    ),
    path("teams/<int:team_id>/settings/", member_views.team_settings, name="team_settings"),
    path("invitations/<str:token>/", member_views.invitation_open, name="invitation_accept"),
    path("teams/<int:team_id>/athletes/new/", athlete_views.athlete_create, name="athlete_create"),
    path("athletes/<int:athlete_id>/", athlete_views.athlete_detail, name="athlete_detail"),
    path("athletes/<int:athlete_id>/edit/", athlete_views.athlete_edit, name="athlete_edit"),
    path("athletes/<int:athlete_id>/delete/", athlete_views.athlete_delete, name="athlete_delete"),
    path("athletes/<int:athlete_id>/login/", athlete_views.athlete_login, name="athlete_login"),
    path("athletes/<int:athlete_id>/upload/", video_views.video_upload, name="video_upload"),
    path("videos/<int:video_id>/", video_views.video_detail, name="video_detail"),
    path("videos/<int:video_id>/status/", video_views.video_status, name="video_status"),
    path("videos/<int:video_id>/rerun/", video_views.video_rerun, name="video_rerun"),
    path("videos/<int:video_id>/capture-rate/", video_views.video_capture_rate, name="video_capture_rate"),
    path("videos/<int:video_id>/delete/", video_views.video_delete, name="video_delete"),
    path("videos/<int:video_id>/original/", video_views.video_original, name="video_original"),
    path(
        "analyses/<int:analysis_id>/files/<str:kind>/",
        analysis_views.analysis_file,
        name="analysis_file",
    ),
    path("analyses/<int:analysis_id>/report/", report_views.report, name="analysis_report"),
    path("analyses/<int:analysis_id>/render/", report_views.render_start, name="render_start"),
    path("renders/<int:render_id>/", report_views.render_status, name="render_status"),
    path("renders/<int:render_id>/file/", report_views.render_file, name="render_file"),
    path(
        "analyses/<int:analysis_id>/export/<str:fmt>/",
        report_views.export,
        name="analysis_export",
    ),
    path(
        "analyses/<int:analysis_id>/athlete/",
        analysis_views.analysis_athlete,
        name="analysis_athlete",
    ),
    path("analyses/<int:analysis_id>/athlete/confirm/", analysis_views.analysis_athlete_confirm_view,
         name="analysis_athlete_confirm"),
    path("analyses/<int:analysis_id>/cancel/", analysis_views.analysis_cancel_view,
         name="analysis_cancel"),
    path("videos/<int:video_id>/annotations/", review_views.annotation_list, name="annotation_list"),
    path("videos/<int:video_id>/annotations/new/", review_views.annotation_create, name="annotation_create"),
    path("videos/<int:video_id>/annotations/edit/", review_views.annotation_update, name="annotation_update"),
    path("videos/<int:video_id>/annotations/delete/", review_views.annotation_delete, name="annotation_delete"),
    path("videos/<int:video_id>/comments/", review_views.comment_list, name="comment_list"),
    path("videos/<int:video_id>/comments/new/", review_views.comment_create, name="comment_create"),
    path("videos/<int:video_id>/comments/delete/", review_views.comment_delete, name="comment_delete"),
    path("reviews/unread/", review_views.review_inbox, name="review_inbox"),
    path("analyses/<int:analysis_id>/labels/", learning_views.label_create, name="label_create"),
    path("labels/<int:label_id>/delete/", learning_views.label_delete, name="label_delete"),
    path("analyses/<int:analysis_id>/relabel/", learning_views.analysis_relabel, name="analysis_relabel"),
    path("teams/<int:team_id>/moves/", learning_views.team_moves, name="team_moves"),
    path("teams/<int:team_id>/moves/train/", learning_views.team_moves_train, name="team_moves_train"),
    path("teams/<int:team_id>/moves/<int:version>/activate/", learning_views.team_moves_activate,
         name="team_moves_activate"),
    path("action-models/<int:action_model_id>/", learning_views.action_model_status,
         name="action_model_status"),
    path("", include("coaching.analysis.urls")),
    path("", include("coaching.progress.urls")),
    path("", include("coaching.api.urls")),
    path("admin/", admin.site.urls),
]
