"""Reject malformed input in one place, before any view or query sees it.

A NUL byte cannot be stored in PostgreSQL text and bytes that are not UTF-8 have no meaning in
our forms: both answer 400 (through ``handler400``) instead of reaching a view that would pass
them to the database and answer 500. Checked: the path, the query string and form fields
(urlencoded and multipart; JSON bodies are DRF's parsers' job and DRF fields refuse NUL).
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from django.core.exceptions import SuspiciousOperation
from django.http.multipartparser import MultiPartParserError


class MalformedInput(SuspiciousOperation):
    """A NUL byte or undecodable bytes in the request (logged as django.security.MalformedInput)."""


def _check_raw(raw: bytes | str, where: str) -> None:
    """``raw`` is percent-encoded (a query string or an urlencoded body)."""
    if isinstance(raw, str):
        # WSGI hands over the query string as latin-1; undo that to see the bytes sent.
        raw = raw.encode("latin-1", errors="replace")
    data = unquote_to_bytes(raw.replace(b"+", b" "))
    if b"\x00" in data:
        raise MalformedInput(f"NUL byte in the {where}")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedInput(f"Undecodable bytes in the {where}") from exc


def _check_decoded(values, where: str) -> None:
    """Already decoded text; the multipart parser replaces undecodable bytes with U+FFFD."""
    for key, items in values.lists():
        for text in (key, *items):
            if isinstance(text, str) and ("\x00" in text or "\ufffd" in text):
                raise MalformedInput(f"NUL byte or undecodable bytes in the {where}")


def check_request_input(request) -> None:
    """Raise :class:`MalformedInput` when the path, query or form fields are malformed."""
    if "\x00" in request.path_info or "\ufffd" in request.path_info:
        raise MalformedInput("NUL byte or undecodable bytes in the path")
    _check_raw(request.META.get("QUERY_STRING", ""), "query string")
    if request.method != "POST":
        return
    content_type = request.content_type or ""
    if content_type == "application/x-www-form-urlencoded":
        _check_raw(request.body, "form")
    elif content_type == "multipart/form-data":
        try:
            post = request.POST
        except MultiPartParserError as exc:
            raise MalformedInput("Malformed multipart body") from exc
        _check_decoded(post, "form")


class RejectMalformedInputMiddleware:
    """Answer 400 for NUL bytes and undecodable bytes in path, query string and form fields."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        check_request_input(request)
        return self.get_response(request)
