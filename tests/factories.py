"""factory_boy factories for the reference models and staff."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from regions.models import Actor, ActorType, County, ExportCentre, Office, Service, StaffProfile


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}@example.se")
    email = factory.LazyAttribute(lambda o: o.username)
    password = factory.django.Password("lösenord-för-test")


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor
        django_get_or_create = ("name",)

    actor_type = factory.LazyFunction(lambda: ActorType.objects.get(code="almi"))
    name = factory.Sequence(lambda n: f"Aktör {n}")


class OfficeFactory(factory.django.DjangoModelFactory):
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


class ServiceFactory(factory.django.DjangoModelFactory):
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
    return ExportCentre.objects.create(
        county=county,
        name=f"Regionalt exportcentrum {county.short_name}",
        front_door_actor=front_door,
    )
