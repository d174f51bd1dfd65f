"""factory_boy factories for the reference models and staff, and a question for intake."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from regions.catalogue import catalogue_changed
from regions.models import (
    Actor,
    ActorType,
    County,
    ExportCentre,
    Municipality,
    Office,
    Service,
    StaffProfile,
)
from routing.intake import QuestionData


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}@example.se")
    email = factory.LazyAttribute(lambda o: o.username)
    password = factory.django.Password("lösenord-för-test")


class CatalogueFactory(factory.django.DjangoModelFactory):
    """Rows routing keeps per process: creating one makes every process rebuild its copy (the
    test's rolled-back rows must not outlive it in that copy)."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        catalogue_changed()
        return super()._create(model_class, *args, **kwargs)


class ActorFactory(CatalogueFactory):
    class Meta:
        model = Actor
        django_get_or_create = ("name",)

    actor_type = factory.LazyFunction(lambda: ActorType.objects.get(code="almi"))
    name = factory.Sequence(lambda n: f"Aktör {n}")


class OfficeFactory(CatalogueFactory):
    class Meta:
        model = Office
        skip_postgeneration_save = True

    actor = factory.SubFactory(ActorFactory)
    name = factory.Sequence(lambda n: f"Kontor {n}")
    home_county = factory.LazyFunction(lambda: County.objects.get(code="12"))

    @factory.post_generation
    def counties_served(self, create, extracted, **kwargs):
        if create:
            self.counties_served.set(extracted or [self.home_county])


class ServiceFactory(CatalogueFactory):
    class Meta:
        model = Service
        skip_postgeneration_save = True

    actor = factory.SubFactory(ActorFactory)
    title = factory.Sequence(lambda n: f"Tjänst {n}")
    description = "En tjänst för exportföretag."

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)


def staff_user(email: str, role: str, **profile):
    user = UserFactory(username=email)
    StaffProfile.objects.create(user=user, role=role, **profile)
    return user


def export_centre(county: County, front_door: Actor) -> ExportCentre:
    catalogue_changed()
    return ExportCentre.objects.create(
        county=county,
        name=f"Regionalt exportcentrum {county.short_name}",
        front_door_actor=front_door,
    )


def question_data(*, municipality: str = "1280", **overrides) -> QuestionData:
    """A question as the form and the API hand it to intake (``case_create``): Karin of Exempel
    Maskin AB in Malmö (Skåne) needs a loan, unless ``overrides`` say otherwise."""
    fields = {
        "company_name": "Exempel Maskin AB",
        "org_number": "5560360793",
        "contact_name": "Karin Exempel",
        "email": "karin@exempel.se",
        "municipality": Municipality.objects.get(code=municipality),
        "question": "Vi behöver ett lån för att finansiera en order till Tyskland.",
    }
    return QuestionData(**{**fields, **overrides})
