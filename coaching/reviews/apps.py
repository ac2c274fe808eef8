from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "coaching.reviews"
    label = "reviews"
    verbose_name = "Coach reviews"
