"""SQL building blocks of the indicators: database functions and the reporting transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import Aggregate, CharField, F, FloatField, Func, Value
from django.db.models.functions import Replace


class ElapsedSeconds(Func):
    """Seconds from the second timestamp to the first, as a float, in SQL."""

    arity = 2
    output_field = FloatField()

    def as_sql(self, compiler, connection, **extra_context):  # pragma: no cover - per vendor
        raise NotImplementedError(f"ElapsedSeconds is not implemented for {connection.vendor}")

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="EXTRACT(EPOCH FROM (%(expressions)s))::double precision",
            arg_joiner=" - ",
            **extra_context,
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 86400.0)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


class Median(Aggregate):
    """Median in the database: PERCENTILE_CONT on PostgreSQL, a registered MEDIAN on SQLite.

    NULLs are ignored, so wrap the argument in a conditional to restrict the rows.
    """

    function = "MEDIAN"  # SQLite: registered in IndicatorsConfig.ready (development database)
    name = "Median"
    output_field = FloatField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            function="PERCENTILE_CONT",
            template="%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)",
            **extra_context,
        )


class OrgKey(Func):
    """The organisation number without separators: the company's identity for deduplication.

    On PostgreSQL the key is compared bytewise (COLLATE "C"): the values are digits, so the
    result is the same, and DISTINCT/UNION no longer sort under the locale's collation, which
    was the dominant cost at volume.
    """

    arity = 1

    def __init__(self, expression, **extra):
        inner = Replace(Replace(expression, Value("-"), Value("")), Value("+"), Value(""))
        super().__init__(inner, output_field=CharField(), **extra)

    def as_sql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="%(expressions)s", **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, template='(%(expressions)s) COLLATE "C"', **extra_context
        )


def org_key(field_name: str = "org_number") -> OrgKey:
    return OrgKey(F(field_name))


#: Sort memory for one page's indicator queries (PostgreSQL), see ``reporting_queries``.
REPORT_WORK_MEM = "64MB"


@contextmanager
def reporting_queries() -> Iterator[None]:
    """Run one page's (or export's) indicator queries with room to sort in memory.

    The distinct-company counts and the medians sort every key of the period; nationally that
    is about a million, and with PostgreSQL's default ``work_mem`` (4 MB) each such sort spills
    to temporary files. ``SET LOCAL`` raises the limit for this one read-only transaction only.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL work_mem = '{REPORT_WORK_MEM}'")
        yield
