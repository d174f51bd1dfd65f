"""Cases, activities and survey rows created directly with the ORM for indicator tests."""

from __future__ import annotations

from datetime import datetime

import factory
from django.utils import timezone

from indicators.models import (
    Activity,
    ActivityParticipant,
    SurveyInvitation,
    SurveyResponse,
)
from regions.models import County
from routing.clock import STOCKHOLM
from routing.deadlines import case_clock_fields
from routing.models import Case, CaseEvent, EscalationRecord


def local(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    """An aware Stockholm time (tests think in local time, as the users do)."""
    return datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


class CaseFactory(factory.django.DjangoModelFactory):
    """A case; the clock fields follow from ``created_at`` unless given."""

    class Meta:
        model = Case

    reference = factory.Sequence(lambda n: f"REC-2026-{n + 900000:06d}")
    created_at = factory.LazyFunction(timezone.now)
    company_name = factory.Sequence(lambda n: f"Testföretag {n} AB")
    org_number = "556036-0793"
    contact_name = "Kim Kontakt"
    email = factory.Sequence(lambda n: f"kontakt{n}@foretag.example")
    county = factory.LazyFunction(lambda: County.objects.get(code="12"))
    municipality = factory.LazyAttribute(lambda o: o.county.municipalities.order_by("code")[0])
    question = "Hur kommer vi igång med export till Tyskland?"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        for name, value in case_clock_fields(kwargs["created_at"]).items():
            kwargs.setdefault(name, value)
        return super()._create(model_class, *args, **kwargs)


def referred_event(case: Case, at: datetime | None = None) -> CaseEvent:
    return CaseEvent.objects.create(case=case, kind="referred", at=at or case.created_at)


def escalation(case: Case, level: int) -> EscalationRecord:
    return EscalationRecord.objects.create(
        case=case, level=level, due_at=case.deadline_at, created_at=case.deadline_at
    )


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity
        skip_postgeneration_save = True

    county = factory.LazyFunction(lambda: County.objects.get(code="12"))
    kind = Activity.Kind.SEMINAR
    title = factory.Sequence(lambda n: f"Exportseminarium {n}")
    date = factory.LazyFunction(lambda: timezone.localdate())

    @factory.post_generation
    def companies(self, create, extracted, **kwargs):
        for org in extracted or []:
            ActivityParticipant.objects.create(activity=self, org_number=org)


def survey_answer(case: Case, kind: str = "followup", **answers) -> SurveyResponse:
    invitation = SurveyInvitation.objects.create(case=case, kind=kind, created_at=timezone.now())
    return SurveyResponse.objects.create(
        invitation=invitation, case=case, kind=kind, answered_at=timezone.now(), **answers
    )
