from __future__ import annotations

import statistics

from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class _SqliteMedian:
    """MEDIAN aggregate for the SQLite development database (PostgreSQL has PERCENTILE_CONT).

    SQLite has no median; registering it keeps indicators.sql.Median a database
    aggregate on both backends.
    """

    def __init__(self) -> None:
        self.values: list[float] = []

    def step(self, value) -> None:
        if value is not None:
            self.values.append(value)

    def finalize(self):
        return statistics.median(self.values) if self.values else None


def _register_sqlite_functions(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("MEDIAN", 1, _SqliteMedian)


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Indikatorer och uppföljning")

    def ready(self) -> None:
        connection_created.connect(_register_sqlite_functions, dispatch_uid="indicators.median")
        # What this app adds to regions' county pages (regions does not know this app).
        from indicators import county_pages

        county_pages.county_parts_register()
        # A reopened case may change a closed month's figures again (routing does not know us).
        from indicators.kept_months import kept_months_forget_cases
        from routing.extensions import case_reopen_listener_register

        case_reopen_listener_register(
            "indicators.kept_months", lambda case: kept_months_forget_cases([case.pk])
        )
