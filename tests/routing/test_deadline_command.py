"""`manage.py deadline`: the operator's way to check a first-contact deadline."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


@pytest.fixture(autouse=True)
def _default_policy(settings):
    # Independent of whatever the environment sets; one test overrides it.
    settings.DEADLINE_POLICY = "working_day"


def run(*args: str) -> list[str]:
    out = StringIO()
    call_command("deadline", *args, stdout=out)
    return out.getvalue().splitlines()


def test_naive_input_is_stockholm_time():
    assert run("--submitted", "2026-12-23T15:00") == ["2026-12-28T15:00:00+01:00"]


def test_offset_input_is_honoured():
    # 16:00+02:00 is 15:00 in Stockholm (winter time, +01:00).
    assert run("--submitted", "2026-12-23T16:00+02:00") == ["2026-12-28T15:00:00+01:00"]


def test_z_input_is_utc():
    assert run("--submitted", "2026-12-23T14:00Z") == ["2026-12-28T15:00:00+01:00"]


def test_output_uses_summer_offset():
    assert run("--submitted", "2026-03-27T15:00") == ["2026-03-30T15:00:00+02:00"]


def test_saturday_due_at_tuesday_midnight():
    assert run("--submitted", "2026-03-14T10:00") == ["2026-03-17T00:00:00+01:00"]


def test_calendar_24h_policy():
    assert run("--submitted", "2026-12-23T15:00", "--policy", "calendar_24h") == [
        "2026-12-24T15:00:00+01:00"
    ]


def test_policy_from_settings(settings):
    settings.DEADLINE_POLICY = "calendar_24h"
    assert run("--submitted", "2026-12-23T15:00") == ["2026-12-24T15:00:00+01:00"]


def test_trace():
    lines = run("--submitted", "2026-12-23T15:00", "--trace")
    assert lines[0] == "2026-12-28T15:00:00+01:00"
    assert lines[1] == (
        "inkom ons 23 dec 15:00; 24 dec (julafton), 25 dec (juldagen), "
        "helg 26–27 dec hoppades över; förfaller mån 28 dec 15:00"
    )
    assert "policy=working_day" in lines[2]


@pytest.mark.parametrize("bad", ["igår", "2026-13-01T10:00", "23/12/2026 15:00", ""])
def test_bad_input_raises_command_error(bad):
    with pytest.raises(CommandError, match="Ogiltig tidpunkt"):
        run("--submitted", bad)


def test_unknown_policy_raises_command_error():
    with pytest.raises(CommandError):
        run("--submitted", "2026-12-23T15:00", "--policy", "whenever")
