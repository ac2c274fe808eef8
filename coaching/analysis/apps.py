from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "coaching.analysis"
    label = "analysis"
