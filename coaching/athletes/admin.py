from django.contrib import admin

from coaching.athletes.models import Athlete, Invitation, Membership, Team


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "team", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "team__name"]


@admin.register(Athlete)
class AthleteAdmin(admin.ModelAdmin):
    list_display = ["name", "team", "discipline", "dominant_side", "height_cm"]
    list_filter = ["team", "dominant_side"]
    search_fields = ["name", "discipline"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["team", "role", "athlete", "created_at", "expires_at", "accepted_by"]
    list_filter = ["role"]
    readonly_fields = ["token", "created_at", "accepted_at"]
