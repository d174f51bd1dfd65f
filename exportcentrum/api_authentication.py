"""How the API knows who is asking: the browser session, with anonymous answered 401.

DRF answers 403 instead of 401 when the first authentication class has no
`WWW-Authenticate` challenge to offer, which is the case for plain SessionAuthentication.
Anonymous callers of a staff endpoint are not *forbidden*, they are not signed in: 401 with a
challenge, while an object or county outside the caller's scope answers 404 as on the pages.
"""

from __future__ import annotations

from drf_spectacular.authentication import SessionScheme
from rest_framework.authentication import SessionAuthentication


class PortalSessionAuthentication(SessionAuthentication):
    def authenticate_header(self, request) -> str:
        return 'Session realm="api"'


class PortalSessionScheme(SessionScheme):
    """The OpenAPI schema describes it as the session cookie it is."""

    target_class = "exportcentrum.api_authentication.PortalSessionAuthentication"
