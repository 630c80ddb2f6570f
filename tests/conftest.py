"""Shared fixtures: the real public data in MADINI_DATA_DIR, imported once per test session."""

import os
from pathlib import Path

import pytest

REPO_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("MADINI_DATA_DIR", REPO_DIR.parent / "shared" / "data"))
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_data_file(relative_path):
    """The path of a real data file; skip (or, in CI, fail) when it is absent."""
    path = DATA_DIR / relative_path
    if not path.exists():
        message = f"real data file {path} is absent: set MADINI_DATA_DIR to the shared data folder"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def curated_csv():
    return require_data_file("ipis/cod_mines_curated_all_opendata_p_ipis.csv")


@pytest.fixture(scope="session")
def dashboard_csv():
    return require_data_file("ipis/2024-02-29_filteredData_DRC_Opendata_IPIS.csv")


@pytest.fixture(scope="session")
def boundaries_dir():
    return require_data_file("boundaries").resolve()


@pytest.fixture(scope="session")
def real_sites(django_db_setup, django_db_blocker, curated_csv):
    """The full curated IPIS export imported once into the test database.

    Tests that use it run inside a transaction that is rolled back, so they see
    exactly the imported data and cannot disturb each other.
    """
    from madini.sites.importers import import_sites

    with django_db_blocker.unblock():
        report = import_sites(curated_csv)
    return report
