"""Who may search, export and erase personal data, and read the register of processing."""

from __future__ import annotations

from regions.access import Role, Scope, require_role

PERSONAL_DATA_ROLES = (Role.COORDINATOR, Role.NATIONAL, Role.ADMIN)


def may_search_personal_data(scope: Scope) -> bool:
    """Coordinators (their county's records, by the scope) and national staff and admins."""
    return scope.role in PERSONAL_DATA_ROLES


def require_personal_data_searcher(scope: Scope) -> Scope:
    return require_role(scope, *PERSONAL_DATA_ROLES)


def require_register_reader(scope: Scope) -> Scope:
    """The register of processing activities is national staff's (and admins')."""
    return require_role(scope, Role.NATIONAL, Role.ADMIN)
