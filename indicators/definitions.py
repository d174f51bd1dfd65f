# Longer than 400 lines: it is the catalogue of the audit's table 5, one short definition per
# indicator and nothing else.
"""The catalogue of indicators: what each figure counts, in report order.

The mandatory and voluntary indicators are those of the Swedish National Audit Office's report
RiR 2019:3, table 5 ("Obligatoriska och frivilliga indikatorer"); the outcome indicators
measure the government's goal (first contact within one working day) and the surveys.
Each entry is a documented function of the ``Period`` returning how to compute it; the rules
every measure follows are in ``indicators.measures``, and ``indicators.evaluation`` computes
them. ``INDICATORS`` is the registry, in report order, used by dashboards, exports and the API.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Case as CaseWhen
from django.db.models import Count, Exists, F, FloatField, IntegerField, OuterRef, Q, Sum
from django.db.models import When as CaseWhenClause
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators.measures import (
    Indicator,
    Measure,
    UnionMeasure,
    activity_measure,
    case_measure,
    cases_filed,
    count,
    escalation_measure,
    participant_measure,
    registering_in,
    survey_measure,
)
from indicators.models import Activity, ActivityParticipant, SurveyInvitation
from indicators.sql import ElapsedSeconds, Median, org_key
from indicators.values import MIN_SURVEY_ANSWERS, Group, Period, Share, Unit
from regions.models import CountyPageVisit
from routing.models import Case, CaseEvent

#: The government's goal for the survey-based shares and the headline.
GOAL_SHARE = 0.8

INFORMATION_KINDS = (
    Activity.Kind.SEMINAR,
    Activity.Kind.WORKSHOP,
    Activity.Kind.CONFERENCE,
)
VISIT_KINDS = (Activity.Kind.COMPANY_VISIT, Activity.Kind.JOINT_COMPANY_VISIT)

INDICATORS: list[Indicator] = []
indicator = registering_in(INDICATORS)


@indicator(
    key="companies_reached_with_information",
    label=_("Företag som nåtts av information"),
    group=Group.MANDATORY,
    unit=Unit.COUNT,
)
def companies_reached_with_information(period: Period) -> Measure:
    """Distinct companies (by organisation number) registered as participants in seminars,
    workshops or conferences dated in the period."""
    return participant_measure(period, INFORMATION_KINDS)


@indicator(
    key="information_events_held",
    label=_("Genomförda seminarier, workshoppar och konferenser"),
    group=Group.MANDATORY,
    unit=Unit.COUNT,
)
def information_events_held(period: Period) -> Measure:
    """Activities of kind seminar, workshop or conference dated in the period."""
    return activity_measure(period, INFORMATION_KINDS, {"n": Count("pk")}, count)


@indicator(
    key="information_event_participants",
    label=_("Deltagare vid seminarier, workshoppar och konferenser"),
    group=Group.MANDATORY,
    unit=Unit.COUNT,
)
def information_event_participants(period: Period) -> Measure:
    """Sum of the registered participant counts (people, not companies) of the seminars,
    workshops and conferences dated in the period."""
    return activity_measure(period, INFORMATION_KINDS, {"n": Sum("participant_count")}, count)


@indicator(
    key="county_page_visits",
    label=_("Besök på länets webbsida"),
    group=Group.MANDATORY,
    unit=Unit.COUNT,
)
def county_page_visits(period: Period) -> Measure:
    """Sum of daily visit counts of the county's public page (``regions.CountyPageVisit``,
    counted without cookies or personal data) for days in the period."""
    qs = CountyPageVisit.objects.filter(day__gte=period.start, day__lte=period.end)
    return Measure(qs, {"n": Sum("count")}, count, month_field="day", month_is_date=True)


# ----------------------------------------------------------------------------- voluntary set


@indicator(
    key="cases_received",
    label=_("Inkomna frågor"),
    group=Group.VOLUNTARY,
    unit=Unit.COUNT,
)
def cases_received(period: Period) -> Measure:
    """Cases filed in the period (test cases excluded). Context for the shares below."""
    return case_measure(period, {"n": Count("pk")}, count)


@indicator(
    key="companies_advised",
    label=_("Företag som fått rådgivning per telefon eller e-post"),
    group=Group.VOLUNTARY,
    unit=Unit.COUNT,
)
def companies_advised(period: Period) -> Measure:
    """Distinct companies with at least one case filed in the period whose first contact was by
    telephone or e-mail (or with no channel recorded): web questions called back, and questions
    received by telephone or e-mail and answered on the spot. A first contact at a meeting
    (a visit or an event) is not advice by telephone or e-mail."""
    advised = Q(first_contact_at__isnull=False) & ~Q(first_contact_channel=Case.Channel.MEETING)
    return case_measure(period, {"n": Count(org_key(), distinct=True, filter=advised)}, count)


@indicator(
    key="companies_referred",
    label=_("Företag som hänvisats till annan aktör i partnerskapet"),
    group=Group.VOLUNTARY,
    unit=Unit.COUNT,
)
def companies_referred(period: Period) -> Measure:
    """Distinct companies with a case filed in the period that was referred within the
    partnership: a case event of kind "referred" or status "referred". Closing with outcome
    "referred_outside" (outside the partnership) does not count."""
    # IN (one hashed read of the "referred" events), not EXISTS: a correlated EXISTS probes the
    # event index once per case in the period, a million probes nationally.
    referred = Q(status=Case.Status.REFERRED) | Q(
        pk__in=CaseEvent.objects.filter(kind="referred").values("case_id")
    )
    return case_measure(period, {"n": Count(org_key(), distinct=True, filter=referred)}, count)


@indicator(
    key="companies_visited",
    label=_("Besökta företag"),
    group=Group.VOLUNTARY,
    unit=Unit.COUNT,
)
def companies_visited(period: Period) -> Measure:
    """Distinct companies registered as participants of company visits or joint company visits
    dated in the period."""
    return participant_measure(period, VISIT_KINDS)


@indicator(
    key="joint_company_visits",
    label=_("Gemensamma företagsbesök"),
    group=Group.VOLUNTARY,
    unit=Unit.COUNT,
)
def joint_company_visits(period: Period) -> Measure:
    """Activities of kind joint company visit (two or more actors) dated in the period."""
    return activity_measure(period, (Activity.Kind.JOINT_COMPANY_VISIT,), {"n": Count("pk")}, count)


@indicator(
    key="study_trips",
    label=_("Studieresor"),
    group=Group.VOLUNTARY,
    unit=Unit.COUNT,
)
def study_trips(period: Period) -> Measure:
    """Activities of kind study trip dated in the period."""
    return activity_measure(period, (Activity.Kind.STUDY_TRIP,), {"n": Count("pk")}, count)


@indicator(
    key="study_trips_with_companies",
    label=_("Studieresor med deltagande företag"),
    group=Group.VOLUNTARY,
    unit=Unit.COUNT,
)
def study_trips_with_companies(period: Period) -> Measure:
    """Study trips dated in the period with at least one participating company registered."""
    has_company = Q(Exists(ActivityParticipant.objects.filter(activity=OuterRef("pk"))))
    return activity_measure(
        period, (Activity.Kind.STUDY_TRIP,), {"n": Count("pk", filter=has_company)}, count
    )


@indicator(
    key="positive_financing_decisions",
    label=_("Positiva finansieringsbeslut"),
    group=Group.VOLUNTARY,
    unit=Unit.COUNT,
)
def positive_financing_decisions(period: Period) -> Measure:
    """Activities of kind positive financing decision (check, loan or guarantee) dated in the
    period."""
    return activity_measure(period, (Activity.Kind.FINANCING_DECISION,), {"n": Count("pk")}, count)


# ----------------------------------------------------------------------------- outcomes


@indicator(
    key="first_contact_in_time",
    label=_("Andel ärenden med första kontakt inom en arbetsdag"),
    group=Group.OUTCOME,
    unit=Unit.SHARE,
    goal=GOAL_SHARE,
)
def first_contact_in_time(period: Period) -> Measure:
    """The headline: share of cases with first contact within one working day.

    Cases: real cases filed in the period.
    Numerator: those with ``first_contact_at <= original_deadline_at`` (the company's original
    deadline, kept across referrals).
    Denominator: those already decided at the time of computing — first contact recorded, or
    original deadline passed (``original_deadline_at <= now``). Open cases still inside their
    clock are left out, because they can still make it; overdue cases without contact count as
    missed.
    """
    now = timezone.now()
    decided = Q(first_contact_at__isnull=False) | Q(original_deadline_at__lte=now)
    in_time = Q(first_contact_at__lte=F("original_deadline_at"))
    return case_measure(
        period,
        {"num": Count("pk", filter=in_time), "den": Count("pk", filter=decided)},
        lambda r: Share(r["num"] or 0, r["den"] or 0),
    )


@indicator(
    key="median_hours_to_first_contact",
    label=_("Mediantid till första kontakt (timmar)"),
    group=Group.OUTCOME,
    unit=Unit.HOURS,
)
def median_hours_to_first_contact(period: Period) -> Measure:
    """Median elapsed (calendar) hours from filing to first contact, over cases filed in the
    period that have a first contact. ``None`` when there is none. Calendar hours, not working
    hours, so a Friday-afternoon question answered on Monday shows the wait the company had."""
    elapsed = CaseWhen(
        CaseWhenClause(
            first_contact_at__isnull=False,
            then=ElapsedSeconds(F("first_contact_at"), F("created_at")),
        ),
        output_field=FloatField(),
    )
    return case_measure(
        period,
        {"m": Median(elapsed)},
        lambda r: None if r["m"] is None else round(float(r["m"]) / 3600, 1),
    )


@indicator(
    key="escalations_level_1",
    label=_("Eskaleringar nivå 1: påminnelse (75 %)"),
    group=Group.OUTCOME,
    unit=Unit.COUNT,
)
def escalations_level_1(period: Period) -> Measure:
    """Escalation records of level 1 (reminder at 75 % of the clock) on cases filed in the
    period. Each level is recorded at most once per case."""
    return escalation_measure(period, 1)


@indicator(
    key="escalations_level_2",
    label=_("Eskaleringar nivå 2: försenad, samordnare"),
    group=Group.OUTCOME,
    unit=Unit.COUNT,
)
def escalations_level_2(period: Period) -> Measure:
    """Escalation records of level 2 (deadline passed, coordinator told) on cases filed in the
    period."""
    return escalation_measure(period, 2)


@indicator(
    key="escalations_level_3",
    label=_("Eskaleringar nivå 3: nationellt"),
    group=Group.OUTCOME,
    unit=Unit.COUNT,
)
def escalations_level_3(period: Period) -> Measure:
    """Escalation records of level 3 (one more working day, national staff told) on cases filed
    in the period."""
    return escalation_measure(period, 3)


@indicator(
    key="survey_right_actor_in_time",
    label=_("Andel tillfrågade företag som nådde rätt aktör inom en arbetsdag"),
    group=Group.OUTCOME,
    unit=Unit.SHARE,
    goal=GOAL_SHARE,
)
def survey_right_actor_in_time(period: Period) -> Measure:
    """Follow-up survey, "Kom ni i kontakt med rätt aktör inom en arbetsdag?": answers "ja"
    over all answers to the question ("vet ej" included, as not confirmed), for cases filed in
    the period. Fewer than 5 answers: too few (no percentage)."""
    return survey_measure(period, SurveyInvitation.Kind.FOLLOWUP, "right_actor_in_time", ("yes",))


@indicator(
    key="cases_moved_to_another_actor",
    label=_("Andel frågor som slutade hos en annan aktör än den först tilldelade"),
    group=Group.OUTCOME,
    unit=Unit.SHARE,
)
def cases_moved_to_another_actor(period: Period) -> Measure:
    """Routing quality from records, not surveys: of the real cases filed in the period, the
    share whose actor now is another than the one assignment first gave it (referred onward,
    reassigned or placed by a coordinator; a question first triaged by the front door and then
    sent on counts as well). Lower is better. Per actor: the actor the case ended with.

    The first actor is the one the filing event recorded (kind "assigned" or "triage"); one
    hashed IN over those events, as for ``companies_referred``.
    """
    moved = (
        CaseEvent.objects.filter(kind__in=("assigned", "triage"))
        .annotate(first_actor=Cast(KeyTextTransform("actor_id", "data"), IntegerField()))
        .filter(first_actor__isnull=False)
        .exclude(first_actor=F("case__assigned_actor_id"))
        .values("case_id")
    )
    return case_measure(
        period,
        {"num": Count("pk", filter=Q(pk__in=moved)), "den": Count("pk")},
        lambda r: Share(r["num"] or 0, r["den"] or 0),
    )


@indicator(
    key="survey_got_help",
    label=_("Andel tillfrågade företag som fick den hjälp de behövde"),
    group=Group.OUTCOME,
    unit=Unit.SHARE,
    goal=GOAL_SHARE,
)
def survey_got_help(period: Period) -> Measure:
    """Follow-up survey, "Fick ni den hjälp ni behövde?": answers "ja" over all answers ("delvis"
    counts as not fully helped), for cases filed in the period. Fewer than 5 answers: too few."""
    return survey_measure(period, SurveyInvitation.Kind.FOLLOWUP, "got_help", ("yes",))


@indicator(
    key="survey_went_on_to_export",
    label=_("Andel tillfrågade företag som gått vidare med export"),
    group=Group.OUTCOME,
    unit=Unit.SHARE,
)
def survey_went_on_to_export(period: Period) -> Measure:
    """Effect survey six months after closing, "Har ni gått vidare med export eller
    internationalisering?": answers "ja, vi exporterar" or "ja, vi förbereder" over all answers,
    for cases filed in the period. Fewer than 5 answers: too few."""
    return survey_measure(
        period, SurveyInvitation.Kind.EFFECT, "went_on", ("exporting", "preparing")
    )


@indicator(
    key="survey_response_rate",
    label=_("Svarsfrekvens i uppföljningsenkäten"),
    group=Group.OUTCOME,
    unit=Unit.SHARE,
)
def survey_response_rate(period: Period) -> Measure:
    """Follow-up invitations answered over invitations sent, for cases filed in the period.
    Fewer than 5 answers: too few (the rule counts answers, not invitations)."""
    qs = SurveyInvitation.objects.filter(
        kind=SurveyInvitation.Kind.FOLLOWUP,
        case__is_test=False,
        case__created_at__gte=period.start_at,
        case__created_at__lt=period.end_at,
    )
    return Measure(
        qs,
        {"num": Count("response"), "den": Count("pk")},
        lambda r: Share(
            r["num"] or 0, r["den"] or 0, answers=r["num"] or 0, min_answers=MIN_SURVEY_ANSWERS
        ),
        county_field="case__county_id",
        month_field="case__created_at",
        actor_field="case__assigned_actor_id",
    )


# ----------------------------------------------------------------------------- companies


@indicator(
    key="unique_companies",
    label=_("Unika företag (ärenden och aktiviteter)"),
    group=Group.COMPANIES,
    unit=Unit.COUNT,
)
def unique_companies(period: Period) -> UnionMeasure:
    """Distinct organisation numbers across real cases filed in the period and participants of
    activities (any kind) dated in the period — one company counts once however many cases,
    activities and actors it met. Nationally, a company active in two counties counts once."""
    participants = ActivityParticipant.objects.filter(
        activity__date__gte=period.start, activity__date__lte=period.end
    )
    return UnionMeasure(
        parts=[
            (cases_filed(period), "county_id", "org_number"),
            (participants, "activity__county_id", "org_number"),
        ],
        month_fields=[("created_at", False), ("activity__date", True)],
    )


# --------------------------------------------------------------------------- channels

#: Questions filed in the period by how they came in (``Case.intake_channel``): the web form and
#: the API file themselves, staff register the other doors (``routing.registration``).
CHANNEL_LABELS = {
    Case.IntakeChannel.WEB: _("Frågor via webbformuläret"),
    Case.IntakeChannel.API: _("Frågor via API"),
    Case.IntakeChannel.PHONE: _("Frågor per telefon"),
    Case.IntakeChannel.EMAIL: _("Frågor per e-post"),
    Case.IntakeChannel.VISIT: _("Frågor vid besök"),
    Case.IntakeChannel.EVENT: _("Frågor vid evenemang"),
    Case.IntakeChannel.REFERRAL: _("Frågor hänvisade från aktörer utanför partnerskapet"),
}


def _received_by_channel(channel: str) -> Callable[[Period], Measure]:
    def define(period: Period) -> Measure:
        return case_measure(period, {"n": Count("pk", filter=Q(intake_channel=channel))}, count)

    define.__doc__ = (
        f'Cases filed in the period (test cases excluded) that came in by "{channel}" '
        "(``Case.intake_channel``); a registered question counts from when it was received."
    )
    return define


CHANNEL_INDICATORS = {
    channel: indicator(
        key=f"cases_received_{channel}",
        label=label,
        group=Group.CHANNELS,
        unit=Unit.COUNT,
    )(_received_by_channel(channel))
    for channel, label in CHANNEL_LABELS.items()
}
