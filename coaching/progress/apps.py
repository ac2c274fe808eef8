from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "coaching.progress"
    label = "progress"
