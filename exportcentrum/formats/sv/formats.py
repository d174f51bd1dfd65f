"""One Swedish date format for every page and e-mail:
"30 november 2026" and "30 november 2026 14:14".

Templates write ``|date`` (a day) or ``|date:"DATETIME_FORMAT"`` (a moment), never a format of
their own.
"""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
TIME_FORMAT = "H:i"
