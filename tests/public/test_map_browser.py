"""The webmap in Debian's Chromium, against a live server holding the real data.

Every request that does not go to the live server is aborted: no tiles, no internet.
Screenshots go to tests/screenshots/.
"""

import datetime
from pathlib import Path

import pytest
from browser import browser_page as map_browser

from madini.geo.names import fold
from madini.sites.models import Site, Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
FIRST_LOAD_BUDGET_BYTES = 300 * 1024
MAP_DATA_PATH = "/map/sites.json"


def figure(page, name):
    return page.locator(f'[data-figure="{name}"]').inner_text()


def wait_for_figure(page, name, value):
    page.wait_for_function(
        "([name, value]) => document.querySelector(`[data-figure='${name}']`).dataset.value === String(value)",
        arg=[name, value],
    )


def marker_position(page):
    """Where the open popup points, once the map has stopped panning to show it: the popup's box
    ends 13 px above (Leaflet's 7 px offset, less the 20 px bottom margin of leaflet.css)."""
    page.wait_for_function(
        """() => {
            const box = document.querySelector(".leaflet-popup").getBoundingClientRect();
            const place = `${box.x},${box.bottom}`;
            const still = window.lastPopupPlace === place;
            window.lastPopupPlace = place;
            return still;
        }""",
        polling=300,
    )
    box = page.locator(".leaflet-popup").bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] + 13


def test_the_map_shows_filters_and_tells_the_history_of_a_site(
    chromium, serial_live_server, curated_csv, boundaries_dir, ipis_file
):
    from madini.geo.importers import import_boundaries
    from madini.sites.importers import import_sites

    import_boundaries(boundaries_dir / "cod_adm1_26_provinces_ocha_msf.geojson")
    import_sites(curated_csv)
    SCREENSHOTS.mkdir(exist_ok=True)
    all_sites = set(ipis_file.rows_by_site)
    armed_gold = ipis_file.sites_where(lambda row: ipis_file.mines(row, "Or") and ipis_file.armed(row))
    busiest = max(sorted(all_sites), key=lambda pcode: len(ipis_file.rows_by_site[pcode]))

    with map_browser(chromium, serial_live_server) as (page, transfers):
        page.goto(serial_live_server + "/")
        page.wait_for_function("document.querySelectorAll('.marker-cluster').length > 10")
        page.wait_for_load_state("networkidle")
        first_load = transfers.total()
        print(
            f"\nfirst load of the map: {transfers.report()}\n"
            f"without {MAP_DATA_PATH}: {(first_load - transfers.of(MAP_DATA_PATH)) / 1024:.1f} KB"
        )
        page.screenshot(path=SCREENSHOTS / "map-first-load.png")
        assert first_load < FIRST_LOAD_BUDGET_BYTES
        assert page.locator("#map-status").inner_text() == f"Sites on the map: {len(all_sites):,}"
        assert page.locator(".leaflet-provinces-pane path").count() == 26

        page.select_option("#id_mineral", "Or")
        page.select_option("#id_armed_presence", "true")
        wait_for_figure(page, "sites", len(armed_gold))
        assert figure(page, "visits") == f"{ipis_file.visit_count(armed_gold):,}"
        assert figure(page, "armed_presence_percent") == "100.0%"
        assert page.url.endswith("/?mineral=Or&armed_presence=true")
        assert page.get_attribute('[data-download="csv"]', "href") == "/data/sites.csv?mineral=Or&armed_presence=true"
        page.screenshot(path=SCREENSHOTS / "map-filtered.png")

        page.click("#reset-filters")
        wait_for_figure(page, "sites", len(all_sites))
        page.click("#draw-box")
        map_box = page.locator("#map").bounding_box()
        start = (map_box["x"] + map_box["width"] * 0.55, map_box["y"] + map_box["height"] * 0.3)
        end = (map_box["x"] + map_box["width"] * 0.75, map_box["y"] + map_box["height"] * 0.5)
        page.mouse.move(*start)
        page.mouse.down()
        page.mouse.move(*end, steps=5)
        page.mouse.up()
        page.wait_for_function("document.querySelector('#id_bbox').value !== ''")
        min_lon, min_lat, max_lon, max_lat = map(float, page.input_value("#id_bbox").split(","))
        in_box = {
            pcode
            for pcode in all_sites
            if min_lon <= ipis_file.position(pcode)[0] <= max_lon and min_lat <= ipis_file.position(pcode)[1] <= max_lat
        }
        assert 0 < len(in_box) < len(all_sites)
        wait_for_figure(page, "sites", len(in_box))
        page.screenshot(path=SCREENSHOTS / "map-box.png")

        page.click("#reset-filters")
        wait_for_figure(page, "sites", len(all_sites))
        page.fill("#id_q", busiest)
        page.press("#id_q", "Enter")
        page.wait_for_selector(".site-popup .visit-history")
        x, y = marker_position(page)
        page.click(".leaflet-popup-close-button")
        page.wait_for_selector(".site-popup", state="detached")
        page.mouse.click(x, y)
        history = page.locator(".site-popup .visit-history tbody tr")
        history.first.wait_for()
        assert history.count() == len(ipis_file.rows_by_site[busiest])
        latest_date = ipis_file.latest_row(busiest)["visit_date"]
        assert history.first.locator("td").first.inner_text() == latest_date
        assert busiest in page.locator(".site-popup h3").inner_text()
        page.wait_for_function("getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'")
        page.screenshot(path=SCREENSHOTS / "map-popup.png")


def test_a_hostile_site_name_shows_as_text_in_its_popup(chromium, serial_live_server):
    name = '<img src=x onerror="window.hacked = true">'
    site = Site.objects.create(pcode="codmine99903", name=name, key=fold(name), longitude=28.86, latitude=-2.49)
    Visit.objects.create(
        site=site, source_key="test:99903", visit_date=datetime.date(2023, 5, 1), is_latest=True, row_hash="-"
    )

    with map_browser(chromium, serial_live_server) as (page, _transfers):
        page.goto(f"{serial_live_server}/?q=codmine99903")
        page.wait_for_selector(".site-popup h3")

        assert page.locator(".site-popup h3").inner_text().startswith(name)
        assert page.locator(".site-popup img").count() == 0
        assert page.evaluate("window.hacked") is None
