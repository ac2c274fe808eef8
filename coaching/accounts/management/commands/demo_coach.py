from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandParser

from coaching.accounts.services import demo_coach_ensure

# The only settings under which the demo coach may open /admin/: the local demo of `make run`.
LOCAL_DEMO_SETTINGS = "coaching.settings.dev"


def demo_may_administer() -> bool:
    """Admin rights for the demo login only on the local demo (dev settings, DEBUG on); under
    production or test settings the demo coach stays an ordinary coach."""
    return settings.SETTINGS_MODULE == LOCAL_DEMO_SETTINGS and settings.DEBUG


class Command(BaseCommand):
    help = "Create the demo coach (once) and print its login; on the local demo it may open /admin/."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="coach")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        login = demo_coach_ensure(
            username=username, password_file=settings.VAR_DIR / "demo-login.txt"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo coach login  username: {login.username}  password: {login.password}"
            )
        )
        if demo_may_administer():
            User.objects.filter(username=login.username).update(is_staff=True, is_superuser=True)
            self.stdout.write("The same login opens the admin at /admin/ (local demo only).")
