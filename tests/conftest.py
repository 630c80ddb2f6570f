"""Shared fixtures: the real public data in MADINI_DATA_DIR, imported once per test session."""

import os
from pathlib import Path

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.servers.basehttp import WSGIServer
from django.db import connections
from django.test.testcases import LiveServerThread, QuietWSGIRequestHandler

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


class SerialLiveServerThread(LiveServerThread):
    def _create_server(self, connections_override=None):
        return WSGIServer((self.host, self.port), QuietWSGIRequestHandler, allow_reuse_address=False)


@pytest.fixture
def serial_live_server(transactional_db):
    """pytest-django's live_server, but answering one request at a time.

    On the in-memory SQLite test database, every request thread of Django's live server uses
    the same connection; the map's parallel requests (sites and figures) then run queries on it
    at once and hang. One request at a time is what a single connection can serve.
    """
    shared = {alias: connections[alias] for alias in connections if connections[alias].vendor == "sqlite"}
    shared = {alias: connection for alias, connection in shared.items() if connection.is_in_memory_db()}
    for connection in shared.values():
        connection.inc_thread_sharing()
    server = SerialLiveServerThread("localhost", StaticFilesHandler, connections_override=shared)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    yield f"http://localhost:{server.port}"
    server.terminate()
    for connection in shared.values():
        connection.dec_thread_sharing()


def pytest_collection_modifyitems(config, items):
    """Run browser tests last: their live server flushes the database, and with it the real data
    that the session's other tests share."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def chromium():
    """Debian's Chromium for the browser tests; skipped without it, except in CI."""
    if not CHROMIUM.exists():
        message = f"Debian's Chromium is not at {CHROMIUM}: install it with `apt-get install -y chromium`"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture
def incident_taxonomy(db):
    """The incident categories the migration loads, loaded again: a browser test's flush wipes them."""
    from importlib import import_module

    from django.apps import apps

    import_module("madini.incidents.migrations.0003_category_taxonomy").load_taxonomy(apps, None)
