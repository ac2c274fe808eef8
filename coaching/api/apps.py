from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "coaching.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from coaching.api import schema  # noqa: F401 - registers the token scheme
