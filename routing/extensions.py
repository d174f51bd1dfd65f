"""Extension points of case handling: what higher apps hook into without routing naming them.

A closed case is final for everything routing does except reopening. Higher apps that keep
something computed from closed cases (``indicators.kept_months``: the figures of closed months)
register a listener in their ``AppConfig.ready``; ``case_reopen`` calls every listener inside its
transaction, so what they mark is marked exactly when the reopening commits.
"""

from __future__ import annotations

from collections.abc import Callable

from routing.models import Case

_reopen_listeners: dict[str, Callable[[Case], None]] = {}


def case_reopen_listener_register(key: str, listener: Callable[[Case], None]) -> None:
    """Call ``listener(case)`` whenever a closed case is reopened (registering a key again
    replaces its listener). Call from ``AppConfig.ready``."""
    _reopen_listeners[key] = listener


def case_reopened(case: Case) -> None:
    """Tell every listener; called by ``routing.services.case_reopen`` in its transaction."""
    for listener in _reopen_listeners.values():
        listener(case)
