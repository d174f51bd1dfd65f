"""National staff's experiment pages: the whole flow, the estimate page, the export, outsiders."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluation.models import Experiment
from evaluation.selectors import day_start
from evaluation.services import assignment_run
from indicators.exports import pseudonym
from regions.models import County
from tests.routing.factories_cases import make_case

pytestmark = pytest.mark.django_db


def _pages(experiment: Experiment) -> list[str]:
    return [
        reverse("experiment-list"),
        reverse("experiment-create"),
        reverse("experiment-power"),
        reverse("experiment-detail", args=[experiment.pk]),
        reverse("experiment-balance", args=[experiment.pk]),
        reverse("experiment-estimates", args=[experiment.pk]),
        reverse("experiment-panel", args=[experiment.pk]),
    ]


def test_everyone_but_national_staff_gets_404(client, people, make_experiment):
    experiment = make_experiment()
    for user in (people.handler, people.coordinator, people.other_coordinator, people.company):
        client.force_login(user)
        for url in _pages(experiment):
            assert client.get(url).status_code == 404, (user, url)
        run_url = reverse("experiment-assignment-run", args=[experiment.pk])
        assert client.post(run_url, {"seed": "1"}).status_code == 404
    assert not experiment.runs.exists()
    client.logout()
    assert client.get(reverse("experiment-list")).status_code == 302


def test_national_staff_create_run_and_read_an_experiment(client, people):
    client.force_login(people.national)
    start = timezone.localdate() + timedelta(days=14)
    response = client.post(
        reverse("experiment-create"),
        {
            "name": "Ny länssida",
            "intervention": "Den nya länssidan visas.",
            "handler_notice": "Försök: ny länssida",
            "unit": "county",
            "design": "stepped_wedge",
            "arms": "Kontroll;50\nNy länssida;50",
            "strata": ["county_size", "employees"],
            "start_date": start.isoformat(),
            "steps": "3",
            "step_days": "30",
        },
    )
    experiment = Experiment.objects.get()
    assert response.status_code == 302
    assert experiment.strata == ["county_size"]  # employees does not describe a county
    response = client.post(
        reverse("experiment-assignment-run", args=[experiment.pk]), {"seed": "2026"}
    )
    assert response.status_code == 302
    detail = client.get(reverse("experiment-detail", args=[experiment.pk])).content.decode()
    assert "frö 2026" in detail and "Designrapport" in detail
    assert client.get(reverse("experiment-balance", args=[experiment.pk])).status_code == 200
    assert client.get(reverse("experiment-estimates", args=[experiment.pk])).status_code == 200


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"name": "x", "unit": "planet", "design": "parallel", "arms": "bara en;1"},
        {"name": "x", "start_date": "2001-01-01", "arms": "a;-1\nb;x", "steps": "999"},
    ],
)
def test_bad_input_is_a_form_error_not_a_500(client, people, data):
    client.force_login(people.national)
    assert client.post(reverse("experiment-create"), data).status_code == 400
    assert not Experiment.objects.exists()


def test_bad_seed_and_bad_power_input_do_not_break(client, people, make_experiment):
    client.force_login(people.national)
    experiment = make_experiment()
    url = reverse("experiment-assignment-run", args=[experiment.pk])
    assert client.post(url, {"seed": "nine"}).status_code == 302
    assert not experiment.runs.exists()
    assert client.get(reverse("experiment-power"), {"units": "-3"}).status_code == 400
    assert client.get(reverse("experiment-detail", args=[999999])).status_code == 404


def test_power_calculator_warns_with_few_clusters(client, people):
    client.force_login(people.national)
    params = {"units": 12, "cases_per_unit": 40, "baseline": 70, "icc": 0.05, "treated_share": 50}
    few = client.get(reverse("experiment-power"), {**params, "cluster": "on"}).content.decode()
    many = client.get(
        reverse("experiment-power"), {**params, "units": 60, "cluster": "on"}
    ).content.decode()
    assert "Minsta upptäckbara effekt" in few and "Färre än 20 kluster" in few
    assert "Färre än 20 kluster" not in many


def _trial_history(experiment: Experiment, people) -> dict[str, str]:
    """Two cases per county after the start: treated counties always reach contact in time,
    control counties never do."""
    run = assignment_run(experiment=experiment, seed=5, user=people.national)
    arms = dict(run.assignments.values_list("unit_key", "arm"))
    start = day_start(experiment.start_date) + timedelta(hours=9)
    for county in County.objects.all():
        for day in (1, 2):
            case = make_case(
                office=None,
                county=county,
                submitted_at=start + timedelta(days=day),
                org_number=f"55{county.code}0{day}-0000",
            )
            on_time = arms[county.code] == "atgard"
            contact = (
                case.created_at + timedelta(hours=1)
                if on_time
                else case.original_deadline_at + timedelta(hours=2)
            )
            case.first_contact_at = contact
            case.save(update_fields=["first_contact_at"])
    return arms


def test_estimate_page_shows_the_difference_with_a_randomisation_interval(
    client, people, make_experiment
):
    experiment = make_experiment()
    _trial_history(experiment, people)
    client.force_login(people.national)
    page = client.get(reverse("experiment-estimates", args=[experiment.pk])).content.decode()
    assert "+100,0" in page  # contact in time: every treated county vs none of the controls
    assert "Inte meningsfullt" in page  # no survey answers: no number for those outcomes


def test_too_few_offices_is_not_meaningful(client, people, make_experiment):
    experiment = make_experiment(unit=Experiment.Unit.OFFICE)
    run = assignment_run(experiment=experiment, seed=1, user=people.national)
    assert run.unit_count == 4
    start = day_start(experiment.start_date) + timedelta(hours=9)
    for office in (
        people.skane_almi_office,
        people.skane_region_office,
        people.dalarna_almi_office,
        people.dalarna_region_office,
    ):
        make_case(office=office, submitted_at=start)
    client.force_login(people.national)
    page = client.get(reverse("experiment-estimates", args=[experiment.pk])).content.decode()
    assert page.count("Inte meningsfullt") == 3


def test_panel_export_is_pseudonymised(client, people, make_experiment):
    experiment = make_experiment()
    _trial_history(experiment, people)
    client.force_login(people.national)
    body = client.get(reverse("experiment-panel", args=[experiment.pk])).content.decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert lines[0].startswith("company;unit;arm;stratum;assigned_date")
    assert len(lines) == 1 + 21 * 2
    assert "550101-0000" not in body and "5501010000" not in body
    assert pseudonym("551201-0000") in body


def test_pages_are_swedish_first_and_english_second(client, people, make_experiment):
    experiment = make_experiment()
    client.force_login(people.national)
    url = reverse("experiment-detail", args=[experiment.pk])
    assert "Designrapport" in client.get(url).content.decode()
    english = client.get(url, headers={"accept-language": "en"}).content.decode()
    assert "Design report" in english and "Make the assignment" in english


def test_stepped_wedge_estimate_compares_within_periods(client, people, make_experiment):
    experiment = make_experiment(design=Experiment.Design.STEPPED_WEDGE, steps=3, step_days=10)
    run = assignment_run(experiment=experiment, seed=8, user=people.national)
    switch_on = dict(run.assignments.values_list("unit_key", "switch_on_date"))
    start = day_start(experiment.start_date) + timedelta(hours=9)
    for county in County.objects.all():
        for day in (5, 15, 25, 35):
            case = make_case(office=None, county=county, submitted_at=start + timedelta(days=day))
            switched = (experiment.start_date + timedelta(days=day)) >= switch_on[county.code]
            late = case.original_deadline_at + timedelta(hours=2)
            case.first_contact_at = case.created_at + timedelta(hours=1) if switched else late
            case.save(update_fields=["first_contact_at"])
    client.force_login(people.national)
    page = client.get(reverse("experiment-estimates", args=[experiment.pk])).content.decode()
    assert "Infört jämfört med ännu inte infört" in page
    assert "+100,0" in page


def test_demo_experiment_is_assigned_before_its_start_and_estimable(client, people):
    from django.core.management import call_command

    from evaluation.demo import load_demo_experiment

    now = timezone.now()
    for county in County.objects.all():
        for days_ago in (170, 120, 80, 30):
            make_case(office=None, county=county, submitted_at=now - timedelta(days=days_ago))
    call_command("load_demo_experiment")
    experiment = Experiment.objects.get()
    run = experiment.runs.get()
    assert run.run_at.date() < experiment.start_date and run.unit_count == 21
    assert load_demo_experiment() is None  # once only
    client.force_login(people.national)
    page = client.get(reverse("experiment-estimates", args=[experiment.pk]))
    assert page.status_code == 200
    assert "84 ärenden sedan start" in page.content.decode()
    make_case(office=None, county=people.skane, submitted_at=now, is_test=True)
    detail = client.get(reverse("experiment-detail", args=[experiment.pk])).content.decode()
    assert 'id="consort-flow"' in detail
    assert "1 testärende (tillgänglighetsmätning) sedan start är uteslutet" in detail


def test_panel_export_suppresses_survey_cells_with_few_answers(client, people, make_experiment):
    import csv

    from indicators.models import SurveyInvitation
    from indicators.services import survey_answer

    experiment = make_experiment()
    assignment_run(experiment=experiment, seed=5, user=people.national)
    start = day_start(experiment.start_date) + timedelta(hours=9)
    for office, answers in ((people.skane_almi_office, 3), (people.dalarna_almi_office, 6)):
        for i in range(answers):
            case = make_case(office=office, submitted_at=start + timedelta(days=i))
            invitation = SurveyInvitation.objects.create(
                case=case, kind="followup", created_at=case.created_at
            )
            survey_answer(invitation=invitation, got_help="yes")
    client.force_login(people.national)
    body = client.get(reverse("experiment-panel", args=[experiment.pk])).content.decode("utf-8-sig")
    rows = list(csv.DictReader(body.splitlines(), delimiter=";"))
    assert {r["right_help"] for r in rows if r["county"] == "12"} == {""}
    assert {r["right_help"] for r in rows if r["county"] == "20"} == {"1"}
