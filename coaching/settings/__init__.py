"""Settings split by concern: base (everything from the environment), dev, test, production.

DJANGO_SETTINGS_MODULE picks one; manage.py defaults to coaching.settings.dev.
"""
