"""Who may see and change what in `routing`: cases, routing rules, the simulator and the example
questions. Every answer starts from the request's scope (`request.scope`, see regions.access).

Missing and "not yours" look the same (404), and so do pages a role has no use for.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from regions.access import Role, Scope, counties_visible_to, require_role, scope_of
from regions.models import County
from routing.deadlines import case_awaiting_contact
from routing.events import EventKind
from routing.models import Case, CaseEvent, ExampleQuestion, RoutingRule, RoutingRuleChange

_CASE_RELATED = ("county", "office", "handler", "topic", "assigned_actor", "municipality")

#: Who handles cases (national staff read them and add notes).
HANDLING_ROLES = frozenset({Role.HANDLER, Role.COORDINATOR, Role.ADMIN})
CASE_ROLES = frozenset({*HANDLING_ROLES, Role.NATIONAL})
RULES_ROLES = frozenset({Role.COORDINATOR, Role.NATIONAL, Role.ADMIN})


# --------------------------------------------------------------------------- cases


def cases_visible_to(viewer) -> QuerySet[Case]:
    """`viewer`: the request's scope, or a user."""
    return Case.objects.visible_to(scope_of(viewer))


def cases_referred_by(viewer) -> QuerySet[Case]:
    """Cases a handler's office referred on to another office: it keeps reading them (its own
    work is in their history), but no longer acts on them. Empty for every other role."""
    scope = scope_of(viewer)
    if scope.role != Role.HANDLER or scope.office_id is None:
        return Case.objects.none()
    referred_by_office = CaseEvent.objects.filter(
        kind=EventKind.REFERRED, data__from_office=scope.office_id
    ).values("case_id")
    return Case.objects.filter(pk__in=referred_by_office).exclude(office_id=scope.office_id)


def cases_readable_by(viewer) -> QuerySet[Case]:
    """What the case page shows: the viewer's cases, plus those their office referred on."""
    return cases_visible_to(viewer) | cases_referred_by(viewer)


def access_case_by_reference(viewer, reference: str) -> Case:
    """404 alike for "missing" and "not yours"."""
    return get_object_or_404(
        cases_readable_by(viewer).select_related(*_CASE_RELATED), reference=reference
    )


def is_referring_office_reader(viewer, case: Case) -> bool:
    """The viewer reads `case` only because their office referred it on."""
    scope = scope_of(viewer)
    return scope.role == Role.HANDLER and case.office_id != scope.office_id


def require_case_staff(scope: Scope) -> Scope:
    """The case pages: handlers, coordinators, national staff and admins."""
    return require_role(scope, *CASE_ROLES)


def require_inbox_user(scope: Scope) -> Scope:
    """The inbox is a handler's: their own cases and their office's queue."""
    return require_role(scope, Role.HANDLER)


def require_county_case_lists(scope: Scope) -> Scope:
    """The county's case lists (all, triage, overdue): coordinators and admins."""
    return require_role(scope, Role.COORDINATOR, Role.ADMIN)


def require_national_case_lists(scope: Scope) -> Scope:
    """Cases escalated to national level: national staff and admins."""
    return require_role(scope, Role.NATIONAL, Role.ADMIN)


def case_actions_for(viewer, case: Case) -> frozenset[str]:
    """What `viewer` may do with `case` now (the view shows these, the services enforce them).

    Assumes `case` is readable by the viewer (`cases_readable_by`); an office that referred the
    case on only reads it.
    """
    role = scope_of(viewer).role
    if role not in CASE_ROLES or is_referring_office_reader(viewer, case):
        return frozenset()
    actions = {"note"}
    if role == Role.NATIONAL:
        # National staff follow up late cases: they ask the county, or move the case themselves.
        if case.status != Case.Status.CLOSED:
            actions |= {"ask_coordinator", "reassign"}
        return frozenset(actions)
    status = case.status
    if status == Case.Status.CLOSED:
        actions.add("reopen")
        return frozenset(actions)
    actions |= {"close", "email"}
    if role in {Role.HANDLER, Role.ADMIN}:
        if case.handler_id is None and case.office_id is not None:
            actions.add("claim")
        if case_awaiting_contact(case):
            # A referred case that had contact: the receiving office's acknowledgement.
            actions.add("first_contact")
        if status == Case.Status.CONTACTED:
            actions.add("start_work")
    actions.add("refer")
    if role in {Role.COORDINATOR, Role.ADMIN}:
        actions |= {"reassign", "override_routing"}
    return frozenset(actions)


#: Who registers questions received by telephone, e-mail, visit … (routing.registration).
REGISTERING_ROLES = frozenset({Role.HANDLER, Role.COORDINATOR, Role.ADMIN})


def require_case_registrar(scope: Scope) -> Scope:
    """The registration page: handlers, coordinators and admins (national staff handle none)."""
    return require_role(scope, *REGISTERING_ROLES)


def may_register_in_county(viewer, county_code: str) -> bool:
    """A handler registers for the counties their office serves, a coordinator for their
    county, an admin anywhere."""
    scope = scope_of(viewer)
    if scope.role == Role.ADMIN:
        return True
    return scope.role in REGISTERING_ROLES and county_code in scope.county_codes


def company_filing_as(scope: Scope, user):
    """The company account a new question is filed under: the user if a company, else nobody."""
    return user if scope.is_company else None


def receipt_case(scope: Scope, filed_in_session: list[str], reference: str) -> Case:
    """The receipt is shown to the browser session that filed the question, or its company."""
    cases = Case.objects.select_related("county", "assigned_actor", "office")
    if reference not in filed_in_session:
        cases = cases.visible_to(scope)
    return get_object_or_404(cases, reference=reference)


# --------------------------------------------------------------------------- rules


def require_rules_viewer(scope: Scope) -> Scope:
    """The rules pages and the simulator: coordinators, national staff and admins."""
    return require_role(scope, *RULES_ROLES)


def may_view_rules(scope: Scope) -> bool:
    return scope.role in RULES_ROLES


def rules_visible_to(scope: Scope) -> QuerySet[RoutingRule]:
    """National rules for every staff member who may see rules; county rules by scope."""
    rules = RoutingRule.objects.select_related("county", "actor_type")
    if scope.sees_everything:
        return rules
    return rules.filter(Q(county__isnull=True) | Q(county_id__in=scope.county_codes))


def may_edit_rule_scope(scope: Scope, county_code: str | None) -> bool:
    """National rules: national staff and admins. County rules: that county's coordinators."""
    if county_code is None:
        return scope.role in {Role.NATIONAL, Role.ADMIN}
    return scope.can_edit_county(county_code)


def rules_editable_by(scope: Scope) -> QuerySet[RoutingRule]:
    rules = RoutingRule.objects.select_related("county", "actor_type")
    if scope.role == Role.ADMIN:
        return rules
    if scope.role == Role.NATIONAL:
        return rules.filter(county__isnull=True)
    if scope.role == Role.COORDINATOR:
        return rules.filter(county_id__in=scope.county_codes)
    return rules.none()


def access_rule_for_editing(scope: Scope, pk: int) -> RoutingRule:
    return get_object_or_404(rules_editable_by(require_rules_viewer(scope)), pk=pk)


NATIONAL_RULES = "nationell"


def rule_scope_for_creating(scope: Scope, value: str) -> County | None:
    """The `scope_code` of the new-rule URL: "nationell" -> None (a national rule), a county
    code -> that County; 404 when `scope` may not add rules there."""
    require_rules_viewer(scope)
    county_code = None if value == NATIONAL_RULES else value
    if not may_edit_rule_scope(scope, county_code):
        raise Http404
    return None if county_code is None else get_object_or_404(County, code=county_code)


def rule_scopes_creatable(scope: Scope, counties) -> list[str | None]:
    """Where `scope` may add rules: None (national) and/or county codes, in that order."""
    creatable: list[str | None] = [None] if may_edit_rule_scope(scope, None) else []
    return creatable + [c.code for c in counties if may_edit_rule_scope(scope, c.code)]


def rule_changes_visible_to(scope: Scope) -> QuerySet[RoutingRuleChange]:
    changes = RoutingRuleChange.objects.select_related("changed_by", "county")
    if scope.sees_everything:
        return changes
    return changes.filter(Q(county__isnull=True) | Q(county_id__in=scope.county_codes))


def access_rule_change(scope: Scope, pk: int) -> RoutingRuleChange:
    return get_object_or_404(rule_changes_visible_to(require_rules_viewer(scope)), pk=pk)


def example_results_visible_to(scope: Scope, results: list[dict]) -> list[dict]:
    """A national rule change re-runs every county's examples: each sees only their own."""
    if scope.sees_everything:
        return list(results)
    return [r for r in results if r["county"] in scope.county_codes]


# --------------------------------------------------------------------------- simulator, examples


def simulator_counties(scope: Scope) -> QuerySet[County]:
    return counties_visible_to(require_rules_viewer(scope))


def may_manage_examples(scope: Scope, county_code: str | None) -> bool:
    """Example questions: national staff and admins everywhere, coordinators in their county."""
    return bool(county_code) and (scope.sees_everything or scope.can_edit_county(county_code))


def access_examples_county(scope: Scope, county_code: str) -> County:
    require_rules_viewer(scope)
    if not may_manage_examples(scope, county_code):
        raise Http404
    return get_object_or_404(County, code=county_code)


def access_example_for_managing(scope: Scope, pk: int) -> ExampleQuestion:
    example = get_object_or_404(ExampleQuestion, pk=pk)
    access_examples_county(scope, example.county_id)
    return example
