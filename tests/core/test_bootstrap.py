"""`madini bootstrap`: what `make run` loads, and the demo staff account it prints."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from madini.sites.demo import write_generated_csv
from madini.sites.models import ImportRun, Site, Visit

# A closed local port: the download fails at once, as it does offline.
UNREACHABLE_URL = "http://127.0.0.1:9/"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_sites_yet():
    # Other test modules load the real export once per session; bootstrap must start from nothing.
    # The deletion is rolled back with the test's transaction.
    Site.objects.all().delete()
    ImportRun.objects.all().delete()


@pytest.fixture
def offline(settings, tmp_path):
    settings.MADINI_DATA_DIR = str(tmp_path / "no-data-here")
    settings.MADINI_IPIS_SOURCE_URL = UNREACHABLE_URL


def bootstrap():
    output = io.StringIO()
    call_command("bootstrap", stdout=output)
    return output.getvalue()


def printed_password(output):
    return re.search(r"Password: (\S+)", output).group(1)


def test_offline_without_data_it_loads_generated_sites_that_say_so(offline):
    output = bootstrap()

    assert "Downloading the IPIS open data from http://127.0.0.1:9/" in output
    assert "Could not load it" in output
    assert "GENERATED demo sites" in output
    assert Site.objects.count() == 150
    assert not Site.objects.exclude(name__startswith="Generated site ").exists()
    assert set(Visit.objects.values_list("source", "project").distinct()) == {
        ("GENERATED DEMO DATA (not real)", "Madini generated demo")
    }
    assert ImportRun.objects.get().skipped_rows == 0


def test_it_creates_a_demo_staff_account_and_prints_how_to_log_in(offline):
    output = bootstrap()

    demo = get_user_model().objects.get(username="demo")
    assert demo.is_staff and demo.is_superuser and demo.is_active
    assert demo.check_password(printed_password(output))
    assert "http://127.0.0.1:8000/" in output
    assert "http://127.0.0.1:8000/admin/" in output
    assert "Username: demo" in output


def test_running_it_again_loads_nothing_more_and_gives_the_demo_account_a_new_password(offline):
    first_password = printed_password(bootstrap())
    visits = Visit.objects.count()

    output = bootstrap()

    assert "150 sites are already loaded: nothing to import." in output
    assert Site.objects.count() == 150
    assert Visit.objects.count() == visits
    assert get_user_model().objects.filter(username="demo").count() == 1
    demo = get_user_model().objects.get(username="demo")
    assert demo.check_password(printed_password(output))
    assert not demo.check_password(first_password)


def test_it_loads_the_data_folder_when_there_is_one(settings, tmp_path):
    curated = tmp_path / "ipis" / "cod_mines_curated_all_opendata_p_ipis.csv"
    curated.parent.mkdir()
    write_generated_csv(curated, sites=7, seed=3)
    settings.MADINI_DATA_DIR = str(tmp_path)
    settings.MADINI_IPIS_SOURCE_URL = UNREACHABLE_URL

    output = bootstrap()

    assert f"{tmp_path / 'boundaries'} is absent: skipped." in output
    assert "download" not in output
    assert Site.objects.count() == 7
