"""Who may do what in a team: one table, used by every view and shown in the README."""

from __future__ import annotations

from django.db import models

from coaching.athletes.models import Athlete, Role, Team
from coaching.athletes.selectors import User, team_role


class Action(models.TextChoices):
    VIEW_TEAM = "view_team", "See the team, its athletes and all their videos"
    EDIT_ATHLETE = "edit_athlete", "Add and edit athlete profiles"
    UPLOAD = "upload", "Upload videos for the team's athletes"
    UPLOAD_OWN = "upload_own", "Upload videos of oneself (when the team allows it)"
    RERUN = "rerun", "Re-run analyses, choose the analysed athlete, repair the tracks"
    TEACH = "teach", "Label moves on videos and train the team's action model"
    RENDER = "render", "Make annotated and privacy videos of analyses"
    DELETE = "delete", "Delete athletes and videos"
    MANAGE_MEMBERS = "manage_members", "Invite and remove members, give logins, team settings"


PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.HEAD_COACH: frozenset(Action),
    Role.ASSISTANT_COACH: frozenset(
        {Action.VIEW_TEAM, Action.EDIT_ATHLETE, Action.UPLOAD, Action.RERUN, Action.TEACH,
         Action.RENDER}
    ),
    Role.ATHLETE: frozenset({Action.UPLOAD_OWN}),
}


def allowed(*, user: User, team: Team, action: Action, athlete: Athlete | None = None) -> bool:
    """Whether the user may do `action` in `team` (on `athlete`, for uploads)."""
    return _allowed(team_role(user=user, team=team), user, team, action, athlete)


def _allowed(role: Role | None, user: User, team: Team, action: Action,
             athlete: Athlete | None) -> bool:
    if role is None:
        return False
    actions = PERMISSIONS[role]
    if action == Action.UPLOAD and Action.UPLOAD not in actions:
        return (
            Action.UPLOAD_OWN in actions
            and team.athletes_can_upload
            and athlete is not None
            and athlete.user_id == getattr(user, "pk", None)
        )
    return action in actions


def abilities(*, user: User, team: Team, athlete: Athlete | None = None) -> dict[str, bool]:
    """{action: allowed} for templates (`can.upload`, `can.delete`, ...)."""
    role = team_role(user=user, team=team)  # one query for the whole table
    return {a.value: _allowed(role, user, team, a, athlete) for a in Action}


def permission_matrix_markdown() -> str:
    roles = list(PERMISSIONS)
    lines = [
        "| action | " + " | ".join(str(r.label) for r in roles) + " |",
        "| --- |" + " --- |" * len(roles),
    ]
    for action in Action:
        marks = ["yes" if action in PERMISSIONS[r] else "—" for r in roles]
        lines.append(f"| {action.label} | " + " | ".join(marks) + " |")
    return "\n".join(lines)
