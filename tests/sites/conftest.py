"""Fixtures of the sites tests: the raw IPIS files, read with the csv module alone (see raw.py)."""

import pytest
from django.core.cache import cache

from .raw import CuratedFile, read_records


@pytest.fixture(scope="session")
def curated(curated_csv):
    return CuratedFile(curated_csv)


@pytest.fixture(scope="session")
def dashboard_rows(dashboard_csv):
    return read_records(dashboard_csv)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Cached GeoJSON and throttle counts must not leak from one test into the next."""
    cache.clear()
    yield
    cache.clear()
