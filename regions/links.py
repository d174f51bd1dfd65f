"""Absolute links to the portal, for e-mails, API answers and receipts.

Every absolute link starts from ``settings.PORTAL_BASE_URL`` — never from the request's Host
header — so a link is the same in the mail, on the page and in the API, whoever asked.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse


def absolute_url(path: str) -> str:
    """``path`` (starting with "/") on the portal's public address."""
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def absolute_reverse(viewname: str, *args, **kwargs) -> str:
    """``reverse(viewname, args, kwargs)`` on the portal's public address."""
    return absolute_url(reverse(viewname, args=args or None, kwargs=kwargs or None))
