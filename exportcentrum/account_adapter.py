"""allauth's adapter: the portal's own answers where allauth asks the project."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter

from routing.client_ip import client_ip


class PortalAccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        """The login limits count per client like the form and API limits (one helper, one
        TRUSTED_PROXY_COUNT); allauth's own reading raises on a short X-Forwarded-For."""
        return client_ip(request) or super().get_client_ip(request)
