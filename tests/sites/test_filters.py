"""The public filter contract of /api/sites/, checked against the raw curated export.

Every expected count comes from tests/sites/raw.py: the rule (a site matches when its latest
visit within the date window, or its latest visit, matches the visit filters) applied to the
rows as the csv module reads them.
"""

import json
from urllib.parse import parse_qsl

import pytest

from .raw import workers

pytestmark = pytest.mark.usefixtures("real_sites", "db")

FILTER_EXAMPLES = [
    "province=Sud-Kivu",
    "province=HAUT UELE",
    "province=kasai-oriental",
    "territory=Mwenga",
    "territory=walikale",
    "mineral=Or",
    "mineral=gold",
    "mineral=Cassitérite",
    "mineral=tin",
    "mineral=Coltan",
    "mineral=tantalum",
    "mineral=Wolframite",
    "mineral=tungsten",
    "mineral=Diamant",
    "armed_presence=true",
    "armed_presence=false",
    "armed_actor=FDLR",
    "armed_actor=FARDC",
    "armed_actor=NDC",
    "armed_actor=Maï-Maï",
    "armed_actor=Maï-Maï Simba",
    "armed_actor=raia mutomboki",
    "armed_actor=CODECO",
    "child_labour=true",
    "child_labour=false",
    "mercury=true",
    "mercury=false",
    "state_service=SAESSCAM",
    "state_service=Division des mines",
    "state_service=iTSCi (via SAESSCAM)",
    "workers_min=100",
    "workers_min=0",
    "workers_min=5000",
    "workers_max=50",
    "workers_min=50&workers_max=50",
    "qualification=Rouge",
    "qualification=Vert",
    "qualification=Jaune",
    "bbox=27.5,-4,29.5,-1",
    "bbox=28.71526231,0.33702109,29.5,1.5",
    "q=riviere",
    "q=Mungu",
    "visited_from=2015-01-01",
    "visited_to=2014-12-31",
    "visited_from=2023-06-21",
    "visited_to=2009-01-01",
    "visited_from=2015-01-01&visited_to=2018-12-31",
    "visited_from=2015-01-01&visited_to=2018-12-31&mineral=Or&armed_presence=true",
    "visited_from=2015-01-01&visited_to=2018-12-31&mineral=Or",
    "visited_from=2015-01-01&visited_to=2018-12-31&armed_presence=true",
    "mineral=Or&armed_presence=true",
    "visited_to=2013-12-31&armed_actor=FDLR",
    "visited_from=2020-01-01&child_labour=true",
    "visited_from=2016-01-01&visited_to=2016-12-31&state_service=SAESSCAM",
    "visited_from=2021-01-01&qualification=Vert",
    "province=Sud-Kivu&mineral=Cassitérite&child_labour=true",
    "province=Ituri&workers_min=100&mercury=true",
    "bbox=27.5,-4,29.5,-1&visited_from=2019-01-01&armed_actor=FARDC",
    "territory=Shabunda&q=a&workers_max=200",
]

SPELLINGS = [
    ("mineral=Cassitérite", "mineral=cassiterite", "mineral=CASSITÉRITE"),
    ("province=Sud-Kivu", "province=sud-kivu", "province=SUD KIVU"),
    ("armed_actor=FDLR", "armed_actor=fdlr"),
    ("armed_actor=Maï-Maï", "armed_actor=mai-mai", "armed_actor=MAI MAI"),
    ("qualification=Rouge", "qualification=rouge"),
    ("state_service=SAESSCAM", "state_service=saesscam"),
    ("q=Grâce", "q=grace", "q=GRACE"),
]


def site_count(client, query):
    response = client.get(f"/api/sites/?{query}&limit=1")
    assert response.status_code == 200, response.content
    return response.json()["count"]


def geojson_features(client, query):
    response = client.get(f"/api/sites/?{query}&format=geojson")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    collection = json.loads(body)
    assert collection["type"] == "FeatureCollection"
    return collection["features"]


@pytest.mark.parametrize("query", FILTER_EXAMPLES)
def test_the_site_count_follows_the_filter(client, curated, query):
    expected = len(curated.matching_sites(dict(parse_qsl(query))))
    assert 0 < expected < len(curated.sites), "the example should select some sites, not none or all"

    assert site_count(client, query) == expected


def test_without_filters_every_site_is_listed(client, curated):
    assert site_count(client, "") == len(curated.sites) == 3409


@pytest.mark.parametrize("spellings", SPELLINGS, ids=lambda spellings: spellings[0])
def test_a_filter_value_matches_whatever_its_case_and_accents(client, curated, spellings):
    expected = len(curated.matching_sites(dict(parse_qsl(spellings[0]))))
    assert expected > 0

    assert [site_count(client, query) for query in spellings] == [expected] * len(spellings)


def test_with_a_date_window_the_json_list_shows_the_visit_the_filters_matched(client, curated):
    """As the GeoJSON list and the downloads do: a site listed for armed presence before 2015
    must not be shown with a 2022 visit without armed presence."""
    query = {"visited_to": "2014-12-31", "armed_presence": "true"}
    expected = curated.matching_sites(query)

    results = client.get("/api/sites/", {**query, "limit": 1000}).json()["results"]

    assert sorted(result["pcode"] for result in results) == sorted(expected)
    shown = {result["pcode"]: result["latest_visit"]["visit_date"] for result in results}
    assert shown == {pcode: visit["visit_date"] for pcode, visit in expected.items()}


def test_a_tie_on_the_latest_date_goes_to_the_later_row_of_the_file(client, curated):
    """Ten sites have two visits on their latest date; the later row in the file is the latest visit."""
    ties = {
        pcode: visits
        for pcode, visits in curated.visits_by_site.items()
        if sum(row["visit_date"] == max(r["visit_date"] for _, r in visits) for _, row in visits) > 1
    }
    assert len(ties) == 10

    for pcode, latest in curated.selected_visits().items():
        if pcode not in ties:
            continue
        site = curated.sites[pcode]
        bbox = f"{site['longitude']},{site['latitude']},{site['longitude']},{site['latitude']}"
        response = client.get("/api/sites/", {"bbox": bbox})
        listed = {result["pcode"]: result for result in response.json()["results"]}
        assert pcode in listed
        latest_visit = listed[pcode]["latest_visit"]
        assert (latest_visit["visit_date"], latest_visit["workers"], latest_visit["qualification"]) == (
            latest["visit_date"],
            workers(latest),
            latest["qualification"],
        ), pcode


@pytest.mark.parametrize("query", ["workers_min=49.5", "workers_max=49.5"])
def test_a_fractional_number_of_workers_is_not_rounded_down(client, curated, query):
    """At least 49.5 workers means 50 or more: a site with 49 must not match. Refusing the value would do too."""
    expected = len(curated.matching_sites(dict(parse_qsl(query))))
    parameter = query.split("=")[0]

    response = client.get(f"/api/sites/?{query}&limit=1")

    refused = response.status_code == 400 and parameter in response.content.decode()
    assert refused or response.json()["count"] == expected


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("armed_presence=maybe", "armed_presence"),
        ("child_labour=sometimes", "child_labour"),
        ("bbox=1,2,3", "bbox"),
        ("bbox=30,-1,29,-2", "bbox"),
        ("visited_from=yesterday", "visited_from"),
        ("visited_to=2020-02-30", "visited_to"),
        ("workers_min=-1", "workers_min"),
        ("workers_max=many", "workers_max"),
        ("minerals=Or", "minerals"),
    ],
)
def test_an_invalid_filter_is_refused_naming_the_parameter(client, query, parameter):
    for url in (f"/api/sites/?{query}", f"/api/sites/?{query}&format=geojson"):
        response = client.get(url)

        assert response.status_code == 400, url
        assert parameter in response.content.decode(), url


@pytest.mark.parametrize(
    "query",
    [
        "mineral=Or&armed_presence=true",
        "visited_from=2015-01-01&visited_to=2018-12-31&mineral=Or&armed_presence=true",
        "province=sud-kivu&armed_actor=mai-mai",
    ],
)
def test_the_geojson_list_holds_exactly_the_filtered_sites(client, curated, query):
    expected = curated.matching_sites(dict(parse_qsl(query)))
    assert expected

    features = geojson_features(client, query)

    assert sorted(feature["id"] for feature in features) == sorted(expected)


def test_the_geojson_list_without_filters_holds_every_site(client, curated):
    assert sorted(feature["id"] for feature in geojson_features(client, "")) == sorted(curated.sites)


def test_a_site_shows_its_whole_visit_history(client, curated):
    pcode, visits = max(curated.visits_by_site.items(), key=lambda item: len(item[1]))
    assert len(visits) == 13

    response = client.get(f"/api/sites/{pcode}/")

    assert response.status_code == 200
    site = response.json()
    assert (site["pcode"], site["name"]) == (pcode, curated.sites[pcode]["name"])
    assert len(site["visits"]) == len(visits)
    assert sorted(visit["visit_date"] for visit in site["visits"]) == sorted(row["visit_date"] for _, row in visits)
    assert sorted(visit["workers"] or 0 for visit in site["visits"]) == sorted(workers(row) or 0 for _, row in visits)


def test_an_unknown_site_is_not_found(client):
    assert client.get("/api/sites/codmine99999/").status_code == 404
