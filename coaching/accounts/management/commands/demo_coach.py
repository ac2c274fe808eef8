from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from coaching.accounts.services import demo_coach_ensure


class Command(BaseCommand):
    help = "Create the demo coach (once) and print its login."

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
