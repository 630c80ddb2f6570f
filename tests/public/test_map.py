import gzip
import json

import pytest
from django.conf import settings

from madini.public.queries import ARMED_PRESENCE
from madini.sites.models import Site, Visit

pytestmark = pytest.mark.django_db


def sites_of(response):
    return {site[0] for site in response.json()["sites"]}


def test_the_map_page_renders_for_anonymous_visitors(client, real_sites):
    response = client.get("/")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="map"' in page
    assert 'data-figure="sites" data-value="3409"' in page
    assert '<option value="Sud-Kivu">Sud-Kivu</option>' in page
    assert '<option value="Or">Or (Gold)</option>' in page
    assert 'href="/data/sites.csv"' in page


def test_the_map_page_shows_a_filter_as_chosen(client, real_sites):
    response = client.get("/", {"mineral": "Or", "armed_presence": "oui", "q": "Kamituga"})

    page = response.content.decode()
    assert '<option value="Or" selected>Or (Gold)</option>' in page
    assert '<option value="true" selected>' in page
    assert 'value="Kamituga"' in page
    assert 'href="/data/sites.csv?mineral=Or&amp;armed_presence=oui&amp;q=Kamituga"' in page


def test_the_map_page_keeps_a_filter_value_the_data_does_not_list(client, real_sites):
    response = client.get("/", {"mineral": "gold"})

    assert '<option value="gold" selected>gold</option>' in response.content.decode()


def test_the_map_page_explains_filters_it_cannot_apply(client, real_sites):
    response = client.get("/", {"workers_min": "many", "colour": "red"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "The filters could not be applied" in page
    assert "workers_min" in page
    assert "Unknown filter(s): colour" in page


def test_the_compact_sites_endpoint_returns_every_site_of_the_real_data(client, real_sites, ipis_file):
    response = client.get("/map/sites.json")

    assert response.status_code == 200
    assert sites_of(response) == set(ipis_file.rows_by_site)
    site = next(site for site in response.json()["sites"] if site[0] == "codmine00191")
    expected_longitude, expected_latitude = ipis_file.position("codmine00191")
    assert site[1] == round(expected_longitude, 5)
    assert site[2] == round(expected_latitude, 5)


def test_the_compact_sites_endpoint_returns_exactly_the_filtered_sites(client, real_sites, ipis_file):
    expected = ipis_file.sites_where(lambda row: ipis_file.mines(row, "Or") and ipis_file.armed(row))

    response = client.get("/map/sites.json", {"mineral": "Or", "armed_presence": "true"})

    assert sites_of(response) == expected
    assert all(site[4] & ARMED_PRESENCE for site in response.json()["sites"])


def test_the_compact_sites_endpoint_names_the_main_mineral_of_each_site(client, real_sites, ipis_file):
    payload = client.get("/map/sites.json", {"province": "Sud-Kivu"}).json()

    for pcode, _longitude, _latitude, mineral, _flags in payload["sites"][:50]:
        name, kind = payload["minerals"][mineral]
        assert name == ipis_file.latest_row(pcode)["mineral1"].strip()
        assert kind == {"Or": "gold", "Cassitérite": "3t", "Coltan": "3t", "Wolframite": "3t"}.get(name, "other")


def test_the_compact_sites_endpoint_is_small_once_gzipped(client, real_sites):
    response = client.get("/map/sites.json", headers={"accept-encoding": "gzip"})

    assert response["Content-Encoding"] == "gzip"
    assert len(response.content) < 45_000
    assert len(json.loads(gzip.decompress(response.content))["sites"]) == 3409


def test_the_compact_sites_endpoint_may_be_cached_by_anyone(client, real_sites):
    response = client.get("/map/sites.json")

    assert "public" in response["Cache-Control"]
    assert f"max-age={settings.PUBLIC_CACHE_SECONDS}" in response["Cache-Control"]


def test_the_compact_sites_endpoint_refuses_filters_it_cannot_apply(client):
    response = client.get("/map/sites.json", {"bbox": "somewhere"})

    assert response.status_code == 400
    assert "bbox" in response.json()["errors"][0]


def test_the_compact_sites_endpoint_shows_a_new_site_at_once(client, real_sites):
    before = sites_of(client.get("/map/sites.json", {"q": "Nouveau puits"}))
    site = Site.objects.create(
        pcode="codmine99901", name="Nouveau puits", key="nouveau puits", longitude=28.1, latitude=-2.1
    )
    Visit.objects.create(site=site, source_key="test:99901", visit_date="2023-07-01", is_latest=True, row_hash="-")

    after = sites_of(client.get("/map/sites.json", {"q": "Nouveau puits"}))

    assert before == set()
    assert after == {"codmine99901"}


def test_the_summary_fragment_follows_the_filters(client, real_sites, ipis_file):
    expected = ipis_file.sites_where(lambda row: ipis_file.mines(row, "Or"))

    response = client.get("/map/summary/", {"mineral": "Or"})

    assert response.status_code == 200
    assert f'data-figure="sites" data-value="{len(expected)}"' in response.content.decode()


def test_the_summary_fragment_explains_filters_it_cannot_apply(client):
    response = client.get("/map/summary/", {"visited_from": "last year"})

    assert response.status_code == 400
    assert "visited_from" in response.content.decode()


def test_the_province_boundaries_are_light(client, boundaries_dir):
    from madini.geo.importers import import_boundaries

    import_boundaries(boundaries_dir / "cod_adm1_26_provinces_ocha_msf.geojson")

    response = client.get("/map/provinces.geojson", headers={"accept-encoding": "gzip"})

    assert response.status_code == 200
    assert len(response.content) < 40_000
    collection = json.loads(gzip.decompress(response.content))
    assert len(collection["features"]) == 26
    positions = [position for feature in collection["features"] for position in positions_of(feature["geometry"])]
    assert all(value == round(value, 3) for position in positions for value in position)


def positions_of(geometry):
    rings = geometry["coordinates"] if geometry["type"] == "Polygon" else sum(geometry["coordinates"], [])
    return [position for ring in rings for position in ring]
