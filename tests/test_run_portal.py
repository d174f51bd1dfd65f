"""run_portal gives web and worker the address it serves, so links in e-mails open."""

from __future__ import annotations

from exportcentrum.management.commands.run_portal import portal_base_url


def test_the_links_point_at_the_port_served(monkeypatch):
    monkeypatch.delenv("PORTAL_BASE_URL", raising=False)
    assert portal_base_url("127.0.0.1", 8123) == "http://127.0.0.1:8123"
    assert portal_base_url("0.0.0.0", 8000) == "http://127.0.0.1:8000"  # noqa: S104


def test_an_address_set_on_purpose_wins(monkeypatch):
    monkeypatch.setenv("PORTAL_BASE_URL", "https://portal.example.se/")
    assert portal_base_url("127.0.0.1", 8123) == "https://portal.example.se"
