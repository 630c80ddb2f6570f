import re

import pytest

pytestmark = pytest.mark.django_db


def figure(response, name):
    match = re.search(rf'data-figure="{name}" data-value="(\d+)"', response.content.decode())
    return int(match.group(1))


def test_the_dashboard_renders_for_anonymous_visitors(client, real_sites, ipis_file):
    response = client.get("/dashboard/")

    assert response.status_code == 200
    assert figure(response, "sites") == len(ipis_file.rows_by_site)
    assert figure(response, "visits") == ipis_file.visit_count(ipis_file.rows_by_site)
    page = response.content.decode()
    for chart in ("main mineral", "province", "armed actor present", "qualification", "year of the visit"):
        assert f"Sites by {chart}" in page


def test_the_key_figures_follow_a_filter(client, real_sites, ipis_file):
    gold_sites = ipis_file.sites_where(lambda row: ipis_file.mines(row, "Or"))

    response = client.get("/dashboard/", {"mineral": "Or"})

    assert figure(response, "sites") == len(gold_sites)
    assert figure(response, "visits") == ipis_file.visit_count(gold_sites)
    workers = sum(int(float(ipis_file.latest_row(pcode)["workers_numb"] or 0)) for pcode in gold_sites)
    assert figure(response, "workers") == workers


def test_the_armed_presence_share_follows_a_filter(client, real_sites, ipis_file):
    tin_sites = ipis_file.sites_where(lambda row: ipis_file.mines(row, "Cassitérite"))
    recorded = [ipis_file.latest_row(pcode)["presence"] for pcode in tin_sites]
    recorded = [value for value in recorded if value in ("0", "1")]
    share = round(100 * recorded.count("1") / len(recorded), 1)

    response = client.get("/dashboard/", {"mineral": "Cassitérite"})

    shown = re.search(r'data-figure="armed_presence_percent">([^<]+)<', response.content.decode()).group(1)
    assert shown == f"{share}%"


def test_the_dashboard_lists_the_matching_sites_50_a_page(client, real_sites, ipis_file):
    gold_sites = sorted(ipis_file.sites_where(lambda row: ipis_file.mines(row, "Or")))

    first = client.get("/dashboard/", {"mineral": "Or"}).content.decode()
    second = client.get("/dashboard/", {"mineral": "Or", "page": "2"}).content.decode()

    first_codes = re.findall(r"<small>(codmine\d+)</small>", first)
    second_codes = re.findall(r"<small>(codmine\d+)</small>", second)
    assert first_codes == gold_sites[:50]
    assert second_codes == gold_sites[50:100]
    assert 'href="?mineral=Or&amp;page=2"' in first
    assert f'href="/?q={gold_sites[50]}"' in second


def test_the_dashboard_download_links_carry_exactly_the_current_filter(client, real_sites):
    response = client.get(
        "/dashboard/", {"province": "Sud-Kivu", "mineral": "", "child_labour": "true", "page": "3"}
    )

    page = response.content.decode()
    for file_format in ("csv", "xlsx", "geojson"):
        assert f'href="/data/sites.{file_format}?province=Sud-Kivu&amp;child_labour=true"' in page


def test_the_dashboard_works_with_a_date_window(client, real_sites, ipis_file):
    visited_2023 = {
        pcode
        for pcode, rows in ipis_file.rows_by_site.items()
        if any(row["visit_date"] >= "2023-01-01" for row in rows)
    }

    response = client.get("/dashboard/", {"visited_from": "2023-01-01"})

    assert figure(response, "sites") == len(visited_2023)


def test_the_dashboard_explains_filters_it_cannot_apply(client):
    response = client.get("/dashboard/", {"workers_max": "-3"})

    assert response.status_code == 200
    assert "The filters could not be applied" in response.content.decode()
