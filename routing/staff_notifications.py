"""E-mails to staff about a case: the link to its page, and the new-case notice.

Its own module because both intake (a new case) and the handling services use it, and intake
must not depend on the services (they link to the company's status page through intake).
"""

from __future__ import annotations

from regions.links import absolute_reverse
from routing.models import Case, OutboxMessage
from routing.outbox import outbox_build_templated


def case_page_url(case: Case) -> str:
    return absolute_reverse("case-detail", case.reference)


def new_case_notice(*, case: Case) -> list[OutboxMessage]:
    """The e-mail telling whoever got a new case (the handler it was assigned to, else the
    office's shared address), unsaved: intake writes it with the receipt (``outbox_save``).
    Held to the next working morning like the staff digests (``outbox_build``'s ``staff=True``);
    the link opens the case page after login.
    """
    if case.in_triage or case.office_id is None:
        return []  # the county's triage queue: the coordinators' daily digest covers it
    handler_email = case.handler.email if case.handler_id else ""
    to = handler_email or case.office.email
    if not to:
        return []
    notice = outbox_build_templated(
        template_base="routing/email/staff_new_case",
        context={
            "case": case,
            "url": case_page_url(case),
            "to_handler": bool(handler_email),
        },
        to=to,
        language="sv",
        kind="staff_new_case",
        case=case,
        staff=True,
    )
    return [notice]
