# A date: "30 Nov 2026"; a moment: "30 Nov 2026, 15:04" (24-hour, the server's TIME_ZONE).
# Templates write {{ d|date }} and {{ t|date:"DATETIME_FORMAT" }}, Python date_format(d) and
# date_format(t, "DATETIME_FORMAT") (after localtime for an aware datetime); never a format inline.
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
