from django.apps import AppConfig


class AthletesConfig(AppConfig):
    name = "coaching.athletes"
    label = "athletes"
