"""The handler choice is a lookup among open cases: its cost does not grow with closed history."""

from __future__ import annotations

from django.db import connection

from regions.models import StaffProfile
from routing.assignment import available_handler, handler_candidates
from routing.models import Case
from tests.conftest import require, uses_postgres
from tests.factories import staff_user
from tests.routing.factories_cases import make_case
from tests.routing.intake_support import _fresh_cache  # noqa: F401 - autouse fixture


def test_open_cases_are_counted_through_the_partial_index(people):
    require(uses_postgres(), "index use is a PostgreSQL planner question")
    office = people.skane_almi_office
    # A history as the index is for: many closed cases, one open. With fresh statistics the
    # planner's choice does not depend on what earlier tests left in pg_statistic.
    for _ in range(60):
        make_case(office=office, handler=people.handler, status=Case.Status.CLOSED)
    make_case(office=office, handler=people.handler)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE routing_case")
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = handler_candidates(office).explain()
    assert "case_open_per_handler" in plan, plan


def test_closed_history_does_not_count_and_open_cases_do(people):
    office = people.skane_almi_office
    second = staff_user("almi2.skane@example.se", "handler", office=office)
    for _ in range(3):
        make_case(office=office, handler=people.handler, status=Case.Status.CLOSED)
    make_case(office=office, handler=second, status=Case.Status.IN_PROGRESS)
    # three closed cases weigh nothing against one open case
    assert available_handler(office) == people.handler
    counts = {user.pk: user.open_cases for user in handler_candidates(office)}
    assert counts == {people.handler.pk: 0, second.pk: 1}


def test_the_kept_choice_still_reads_cases_and_availability_live(people):
    """The process keeps the choice's SQL per office and day; what it counts is read each time."""
    office = people.skane_almi_office
    second = staff_user("almi2.skane@example.se", "handler", office=office)
    assert available_handler(office) == people.handler  # ties by user id
    make_case(office=office, handler=people.handler)
    assert available_handler(office) == second
    StaffProfile.objects.filter(user=second).update(is_available=False)
    assert available_handler(office) == people.handler
