"""Teams, who belongs to them and in which role, and athlete profiles."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Team(models.Model):
    name = models.CharField(max_length=120)
    athletes_can_upload = models.BooleanField(
        default=False, help_text="Athletes with a login may upload videos of themselves."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    HEAD_COACH = "head_coach", "Head coach"
    ASSISTANT_COACH = "assistant_coach", "Assistant coach"
    ATHLETE = "athlete", "Athlete"


COACH_ROLES = (Role.HEAD_COACH, Role.ASSISTANT_COACH)


class Membership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="one_membership_per_team")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team} ({self.get_role_display()})"


class Side(models.TextChoices):
    UNKNOWN = "", "Not set"
    LEFT = "left", "Left"
    RIGHT = "right", "Right"


class Athlete(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="athletes")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="athlete_profile",
        help_text="Optional login for the athlete: they see only their own videos and reports.",
    )
    name = models.CharField(max_length=120)
    date_of_birth = models.DateField(null=True, blank=True)
    discipline = models.CharField(
        max_length=80, blank=True, help_text="Sport or dance discipline, e.g. sprint, ballet."
    )
    dominant_side = models.CharField(max_length=5, choices=Side.choices, blank=True)
    height_cm = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        help_text="Standing height; turns pixels into metres in the analysis.",
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["team", "name"])]

    def __str__(self) -> str:
        return self.name


INVITABLE_ROLES = (Role.ASSISTANT_COACH, Role.ATHLETE)


class Invitation(models.Model):
    """A link a head coach sends: whoever opens it signs in (or creates an account) and joins
    the team in the role, linked to the athlete profile for athletes."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=20, choices=[(r.value, r.label) for r in INVITABLE_ROLES])
    athlete = models.ForeignKey(
        Athlete, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    token = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="assistant_coach", athlete__isnull=True)
                | models.Q(role="athlete", athlete__isnull=False),
                name="athlete_invitation_names_the_profile",
            )
        ]

    def __str__(self) -> str:
        return f"Invitation to {self.team} as {self.get_role_display()}"
