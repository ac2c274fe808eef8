from django.apps import AppConfig


class VideosConfig(AppConfig):
    name = "coaching.videos"
    label = "videos"
