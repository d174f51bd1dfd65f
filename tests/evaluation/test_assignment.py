"""Recorded assignment: reproducible, append-only, refused after the start; who takes part."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from evaluation.models import Assignment, Experiment
from evaluation.selectors import arm_for_case, arms_for_case, day_start
from evaluation.services import AssignmentRefused, assignment_run
from tests.routing.factories_cases import make_case

pytestmark = pytest.mark.django_db


def _listing(run):
    return [
        (a.unit_key, a.arm, a.stratum, a.switch_on_date)
        for a in run.assignments.order_by("unit_key")
    ]


def test_rerunning_with_the_same_seed_reproduces_the_list(people, make_experiment):
    experiment = make_experiment(strata=["county_size", "front_door"])
    first = assignment_run(experiment=experiment, seed=42, user=people.national)
    again = assignment_run(experiment=experiment, seed=42, user=people.national)
    other = assignment_run(experiment=experiment, seed=43, user=people.national)
    assert first.unit_count == 21
    assert _listing(first) == _listing(again)
    assert _listing(first) != _listing(other)
    # Every run is kept: who, when and with which seed.
    assert list(experiment.runs.values_list("seed", flat=True).order_by("id")) == [42, 42, 43]
    assert {a.assigned_by_id for a in first.assignments.all()} == {people.national.pk}


def test_stepped_wedge_records_switch_on_dates(people, make_experiment):
    experiment = make_experiment(design=Experiment.Design.STEPPED_WEDGE, steps=3, step_days=30)
    run = assignment_run(experiment=experiment, seed=1, user=people.national)
    dates = {a.switch_on_date for a in run.assignments.all()}
    start = experiment.start_date
    assert dates == {start + timedelta(days=30 * k) for k in (1, 2, 3)}


def test_assignment_after_the_start_is_refused(people, make_experiment):
    experiment = make_experiment()
    assignment_run(experiment=experiment, seed=1, user=people.national)
    on_start_day = day_start(experiment.start_date) + timedelta(hours=9)
    with time_machine.travel(on_start_day), pytest.raises(AssignmentRefused):
        assignment_run(experiment=experiment, seed=2, user=people.national)
    assert experiment.runs.count() == 1


def test_the_database_refuses_to_change_or_delete_a_recorded_assignment(people, make_experiment):
    experiment = make_experiment()
    run = assignment_run(experiment=experiment, seed=1, user=people.national)
    with pytest.raises(DatabaseError), transaction.atomic():
        Assignment.objects.filter(run=run).update(arm="atgard")
    if connection.vendor == "postgresql":  # SQLite guards UPDATE only (flush deletes there)
        with pytest.raises(DatabaseError), transaction.atomic():
            Assignment.objects.filter(run=run).delete()
    assert _listing(run) == _listing(run) and run.assignments.count() == 21


def _seed_splitting(experiment, user, first: str, second: str):
    """Runs until the two counties land in different arms (recorded runs, latest counts)."""
    for seed in range(50):
        run = assignment_run(experiment=experiment, seed=seed, user=user)
        arms = dict(run.assignments.values_list("unit_key", "arm"))
        if arms[first] != arms[second]:
            return arms
    raise AssertionError("no seed split the counties")


def test_treated_and_control_cases_differ_in_what_the_handler_sees(client, people, make_experiment):
    experiment = make_experiment()
    arms = _seed_splitting(experiment, people.national, "12", "20")
    after_start = day_start(experiment.start_date) + timedelta(hours=10)
    skane = make_case(office=people.skane_almi_office, submitted_at=after_start)
    dalarna = make_case(office=people.dalarna_almi_office, submitted_at=after_start)
    pages = {}
    for user, case in ((people.handler, skane), (people.other_handler, dalarna)):
        client.force_login(user)
        response = client.get(reverse("case-detail", args=[case.reference]))
        assert response.status_code == 200
        pages[case.county_id] = response.content.decode()
    notice = "Försök: proaktiv återkoppling inom 4 timmar"
    treated = "12" if arms["12"] == "atgard" else "20"
    control = "20" if treated == "12" else "12"
    assert notice in pages[treated]
    assert notice not in pages[control]


def test_mystery_shopper_and_pre_start_cases_take_no_part(people, make_experiment):
    experiment = make_experiment()
    assignment_run(experiment=experiment, seed=3, user=people.national)
    after_start = day_start(experiment.start_date) + timedelta(hours=10)
    test_case = make_case(office=people.skane_almi_office, submitted_at=after_start, is_test=True)
    early = make_case(office=people.skane_almi_office, submitted_at=timezone.now())
    real = make_case(office=people.skane_almi_office, submitted_at=after_start)
    assert arm_for_case(test_case, experiment) is None
    assert arms_for_case(test_case) == []
    assert arm_for_case(early, experiment) is None
    assert arm_for_case(real, experiment).arm in {"kontroll", "atgard"}


def test_a_company_keeps_its_arm_across_cases(people, make_experiment):
    now = timezone.now()
    for org in ("556036-0793", "556677-8899", "556016-0680"):
        make_case(
            office=people.skane_almi_office, submitted_at=now - timedelta(days=20), org_number=org
        )
    experiment = make_experiment(unit=Experiment.Unit.COMPANY, strata=["employees", "county"])
    run = assignment_run(experiment=experiment, seed=9, user=people.national)
    assert run.unit_count == 3
    after_start = day_start(experiment.start_date)
    for org in ("556036-0793", "556703-7485"):  # listed, and first seen after the run
        arms = {
            arm_for_case(
                make_case(
                    office=office, submitted_at=after_start + timedelta(days=d), org_number=org
                ),
                experiment,
            ).arm
            for office, d in ((people.skane_almi_office, 1), (people.dalarna_region_office, 40))
        }
        assert len(arms) == 1
    assert not run.assignments.filter(unit_key__contains="556").exists()  # only pseudonyms


def test_a_company_experiment_without_earlier_companies_still_records_its_seed(
    people, make_experiment
):
    experiment = make_experiment(unit=Experiment.Unit.COMPANY)
    run = assignment_run(experiment=experiment, seed=4, user=people.national)
    assert run.unit_count == 0
    case = make_case(office=people.skane_almi_office, submitted_at=day_start(experiment.start_date))
    assert arm_for_case(case, experiment).arm in {"kontroll", "atgard"}


def test_templates_can_ask_for_a_cases_arms(people, make_experiment):
    from django.template import Context, Template

    experiment = make_experiment()
    assignment_run(experiment=experiment, seed=3, user=people.national)
    start = day_start(experiment.start_date) + timedelta(hours=10)
    case = make_case(office=people.skane_almi_office, submitted_at=start)
    template = Template(
        "{% load evaluation_tags %}{% case_arms case as arms %}"
        "{% for a in arms %}{{ a.experiment.pk }}:{{ a.arm }}{% endfor %}"
    )
    expected = f"{experiment.pk}:{arm_for_case(case, experiment).arm}"
    assert template.render(Context({"case": case})) == expected
