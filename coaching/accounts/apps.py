from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "coaching.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib import admin

        from coaching.accounts.views import RateLimitedAdminAuthenticationForm

        # The admin's login form names the throttle too (the counting is the backend's).
        admin.site.login_form = RateLimitedAdminAuthenticationForm
