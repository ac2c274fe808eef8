from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "coaching.learning"
    label = "learning"
    verbose_name = "What the instance learns: team action models, segmentation weights"
    default_auto_field = "django.db.models.BigAutoField"
