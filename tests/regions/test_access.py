"""The scoping function: each role sees exactly its part; outsiders get 404."""

from regions.access import Role, scope_for
from routing.models import Case
from tests.routing.factories_cases import make_case


def test_roles(people):
    assert scope_for(people.handler).role == Role.HANDLER
    assert scope_for(people.coordinator).role == Role.COORDINATOR
    assert scope_for(people.national).role == Role.NATIONAL
    assert scope_for(people.admin).role == Role.ADMIN
    assert scope_for(people.company).role == Role.COMPANY


def test_each_role_sees_only_its_cases(people):
    mine = make_case(
        county=people.skane, office=people.skane_almi_office, reference="REC-2026-000001"
    )
    same_county = make_case(
        county=people.skane, office=people.skane_region_office, reference="REC-2026-000002"
    )
    other = make_case(
        county=people.dalarna, office=people.dalarna_almi_office, reference="REC-2026-000003"
    )

    def visible(user):
        return set(Case.objects.visible_to(user).values_list("reference", flat=True))

    assert visible(people.handler) == {mine.reference}
    assert visible(people.coordinator) == {mine.reference, same_county.reference}
    assert visible(people.other_coordinator) == {other.reference}
    assert visible(people.national) == {mine.reference, same_county.reference, other.reference}
    assert visible(people.company) == set()

    from django.contrib.auth.models import AnonymousUser

    assert visible(AnonymousUser()) == set()


def test_coordinator_edits_only_own_county(people):
    assert scope_for(people.coordinator).can_edit_county("12")
    assert not scope_for(people.coordinator).can_edit_county("20")
    assert not scope_for(people.handler).can_edit_county("12")
    assert not scope_for(people.national).can_edit_county("12")
