"""The visit counter of the county pages: per county and day, no cookies, no personal data."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection

from regions.models import CountyPageVersion, CountyPageVisit
from regions.selectors import county_page_visits
from regions.services import county_page_visit_record

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/140.0 Safari/537.36"
NOON = dt.datetime(2026, 11, 26, 11, 0, tzinfo=dt.UTC)


def visits(code: str = "12") -> dict[dt.date, int]:
    return dict(CountyPageVisit.objects.filter(county_id=code).values_list("day", "count"))


@time_machine.travel(NOON, tick=False)
def test_each_get_counts_once_for_that_county_and_day(client, people):
    for _ in range(3):
        assert client.get("/exportcentrum/skane/", HTTP_USER_AGENT=BROWSER).status_code == 200
    client.get("/exportcentrum/dalarna/", HTTP_USER_AGENT=BROWSER)
    assert visits("12") == {dt.date(2026, 11, 26): 3}
    assert visits("20") == {dt.date(2026, 11, 26): 1}


def test_days_follow_swedish_time(client, people):
    # 23:30 UTC on 26 November is 00:30 on the 27th in Stockholm.
    with time_machine.travel(dt.datetime(2026, 11, 26, 22, 30, tzinfo=dt.UTC), tick=False):
        client.get("/exportcentrum/skane/", HTTP_USER_AGENT=BROWSER)
    with time_machine.travel(dt.datetime(2026, 11, 26, 23, 30, tzinfo=dt.UTC), tick=False):
        client.get("/exportcentrum/skane/", HTTP_USER_AGENT=BROWSER)
        client.get("/exportcentrum/skane/", HTTP_USER_AGENT=BROWSER)
    assert visits() == {dt.date(2026, 11, 26): 1, dt.date(2026, 11, 27): 2}


@time_machine.travel(NOON, tick=False)
@pytest.mark.parametrize(
    "agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0)",
        "Baiduspider",
        "facebookexternalhit CRAWLER",
    ],
)
def test_bots_are_not_counted(client, people, agent):
    assert client.get("/exportcentrum/skane/", HTTP_USER_AGENT=agent).status_code == 200
    assert visits() == {}


@time_machine.travel(NOON, tick=False)
def test_head_requests_missing_pages_and_staff_are_not_counted(client, people):
    assert client.head("/exportcentrum/skane/", HTTP_USER_AGENT=BROWSER).status_code == 200
    assert client.get("/exportcentrum/atlantis/", HTTP_USER_AGENT=BROWSER).status_code == 404
    for staff in [people.coordinator, people.handler, people.national, people.admin]:
        client.force_login(staff)
        client.get("/exportcentrum/skane/", HTTP_USER_AGENT=BROWSER)
    version = CountyPageVersion.objects.create(county=people.skane, introduction="Utkast")
    client.force_login(people.coordinator)
    preview = client.get(f"/exportcentrum/skane/redigera/introduktion/{version.pk}/")
    assert preview.status_code == 200
    assert visits() == {}
    client.force_login(people.company)  # a company account is a visitor like anyone else
    client.get("/exportcentrum/skane/", HTTP_USER_AGENT=BROWSER)
    assert visits() == {dt.date(2026, 11, 26): 1}


@time_machine.travel(NOON, tick=False)
def test_counting_sets_no_cookie_and_stores_nothing_about_the_visitor(client, people):
    response = client.get("/exportcentrum/skane/", HTTP_USER_AGENT=BROWSER)
    # Only the CSRF cookie of the layout's language switch; counting adds none.
    assert set(response.cookies) <= {"csrftoken"}
    columns = {f.column for f in CountyPageVisit._meta.concrete_fields}
    assert columns == {"id", "county_id", "day", "count"}


def test_selector_sums_a_date_range_inclusive_for_one_or_all_counties(people):
    days = [dt.date(2026, 11, d) for d in (1, 2, 3, 30)]
    for day in days:
        county_page_visit_record(county_code="12", day=day)
    county_page_visit_record(county_code="12", day=days[0])
    county_page_visit_record(county_code="20", day=days[1])
    assert county_page_visits("12", dt.date(2026, 11, 1), dt.date(2026, 11, 3)) == 4
    assert county_page_visits("12", dt.date(2026, 11, 2), dt.date(2026, 11, 2)) == 1
    assert county_page_visits(None, dt.date(2026, 11, 1), dt.date(2026, 11, 30)) == 6
    assert county_page_visits("20", dt.date(2026, 12, 1), dt.date(2026, 12, 31)) == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_visits_of_a_day_lose_no_count(people):
    """Many requests race on a day that has no row yet: exactly one row, every visit counted."""
    threads_count, per_thread = 8, 5
    barrier = threading.Barrier(threads_count)
    errors: list[BaseException] = []
    day = dt.date(2026, 11, 26)

    def visit():
        try:
            barrier.wait()
            for _ in range(per_thread):
                county_page_visit_record(county_code="12", day=day)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=visit) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert CountyPageVisit.objects.filter(county_id="12", day=day).count() == 1
    assert visits() == {day: threads_count * per_thread}
