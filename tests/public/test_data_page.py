import pytest
from django.utils import translation

from madini.public.dictionary import COLUMN_DESCRIPTIONS, data_dictionary
from madini.sites.rows import COLUMNS

pytestmark = pytest.mark.django_db


def test_the_data_page_renders_for_anonymous_visitors(client):
    response = client.get("/data/")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'href="/data/sites.csv"' in page
    assert 'href="/data/sites.csv?hxl=1"' in page
    assert 'href="/data/sites.xlsx"' in page
    assert 'href="/data/sites.geojson"' in page
    assert 'href="/api/docs/"' in page


def test_the_data_page_explains_every_column_of_the_downloads(client):
    page = client.get("/data/").content.decode()

    for column, hxl_tag, description in data_dictionary():
        assert f"<td><code>{column}</code></td><td><code>{hxl_tag}</code></td>" in page
        assert str(description) in page


def test_every_download_column_has_a_description():
    assert set(COLUMN_DESCRIPTIONS) == set(COLUMNS)


def test_the_data_page_lists_every_filter(client):
    page = client.get("/data/").content.decode()

    for name in ("province", "territory", "mineral", "armed_presence", "bbox", "visited_from", "q"):
        assert f"<td><code>{name}</code></td>" in page


def test_the_column_descriptions_are_translatable():
    with translation.override("fr"):
        assert all(isinstance(str(description), str) for description in COLUMN_DESCRIPTIONS.values())
    assert all(type(description).__name__ == "__proxy__" for description in COLUMN_DESCRIPTIONS.values())
