"""The one definition of how the pages write dates and times (settings.FORMAT_MODULE_PATH):
Django's ``date`` filter, ``{{ a_date }}`` and :func:`django.utils.formats.date_format` all read
these. Day, month as a word, year: never ambiguous between a US and a European coach."""

from __future__ import annotations

import datetime as dt

from django.utils import formats, timezone


def day_text(value: dt.date) -> str:
    """A date as every page writes it ("30 Nov 2026")."""
    return formats.date_format(value, "DATE_FORMAT")


def moment_text(value: dt.datetime) -> str:
    """A moment as every page writes it ("30 Nov 2026, 15:04", in the server's time zone): for
    text a script shows (a comment's time), so it matches the pages' own."""
    return formats.date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "DATETIME_FORMAT")
