"""Absolute links come from PORTAL_BASE_URL, with or without its trailing slash."""

from __future__ import annotations

import pytest

from regions.links import absolute_reverse, absolute_url


@pytest.mark.parametrize(
    "base", ["https://exportcentrum.example", "https://exportcentrum.example/"]
)
def test_absolute_links_start_from_the_portal_address(settings, base):
    settings.PORTAL_BASE_URL = base
    assert absolute_url("/fraga/") == "https://exportcentrum.example/fraga/"
    assert absolute_reverse("case-detail", "REC-2026-000001") == (
        "https://exportcentrum.example/arenden/REC-2026-000001/"
    )
