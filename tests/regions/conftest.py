"""Fixtures of the county-page tests; the data itself is built in pages_data.py."""

from __future__ import annotations

import pytest

from tests.regions.pages_data import Catalogue, build_catalogue


@pytest.fixture
def catalogue(people) -> Catalogue:
    return build_catalogue(people)
