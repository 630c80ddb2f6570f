"""Public incident dashboard benchmark: latency of its aggregate queries on PostgreSQL, against the floor.

- Madini: incidents.public.dashboard_figures(shown_incidents(filters)) — key figures and the counts
  by month, category and province (the status chart comes with the key figures), as the page runs them;
  and the whole page /dashboard/incidents/ through Django's test Client (figures, table page, template).
- Floor: one plain SQL query over the same tables computing the same aggregates at once
  (GROUP BY GROUPING SETS), with the filters already resolved to ids. Nothing can be faster than
  one pass over the same rows; the ratio Madini/floor is what the ORM and four queries cost.

The database, madini_bench_incidents, is recreated and migrated (`madini migrate`), then filled in SQL
(INSERT … SELECT generate_series): 10 provinces of 3 territories each with square boundaries, 3,500
mine sites, and incidents over five years with skewed categories, provinces and statuses, half of
them linked to a site, ~70 % of the validated ones published.

    .venv/bin/python bench/dashboard.py [--scales 10000 1000000] [--runs 30] [--reuse-db]

Results are printed and written to bench/results/dashboard-<time>.json.
"""

import argparse
import datetime
import json
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
SERVER_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
DATABASE = "madini_bench_incidents"
PROVINCES, TERRITORIES_PER_PROVINCE, SITES = 10, 3, 3500

# (label, public filters); province and category are the most frequent ones in the generated data.
FILTER_SETS = [
    ("no filter", {}),
    ("province", {"province": "Zone 01"}),
    ("category + last year", {"category": "violence", "date_from": "LAST_YEAR"}),
    ("status + province", {"status": "resolved", "province": "Zone 02"}),
    ("one month", {"date_from": "LAST_MONTH"}),
]


def configure_django():
    os.environ["DATABASE_URL"] = f"{SERVER_URL}/{DATABASE}"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(32))
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["DATABASE_CONN_MAX_AGE"] = "600"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["STATIC_ROOT"] = str(RESULTS_DIR / "static-dashboard")  # the production (manifest) storage
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "madini.settings")
    import django

    django.setup()


def recreate_database():
    import psycopg

    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as server:
        server.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        server.execute(f"CREATE DATABASE {DATABASE}")


def execute(sql, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


def generate_places():
    execute(
        """
        INSERT INTO geo_adminarea (level, name, key, code, country_code, parent_key, geometry,
                                   min_lon, min_lat, max_lon, max_lat, source, geometry_repaired)
        SELECT 1, 'Zone ' || lpad(p::text, 2, '0'), 'zone ' || lpad(p::text, 2, '0'), 'P' || p, 'COD', '',
               json_build_object('type', 'Polygon', 'coordinates', json_build_array(json_build_array(
                   json_build_array(20 + p, -10), json_build_array(21 + p, -10), json_build_array(21 + p, -7),
                   json_build_array(20 + p, -7), json_build_array(20 + p, -10))))::text,
               20 + p, -10, 21 + p, -7, 'bench', false
        FROM generate_series(1, %s) AS p
        """,
        [PROVINCES],
    )
    execute(
        """
        INSERT INTO geo_adminarea (level, name, key, code, country_code, parent_id, parent_key, geometry,
                                   min_lon, min_lat, max_lon, max_lat, source, geometry_repaired)
        SELECT 2, province.name || ' T' || t, province.key || ' t' || t, province.code || 'T' || t, 'COD', province.id,
               province.key,
               json_build_object('type', 'Polygon', 'coordinates', json_build_array(json_build_array(
                   json_build_array(province.min_lon, -11 + t), json_build_array(province.max_lon, -11 + t),
                   json_build_array(province.max_lon, -10 + t), json_build_array(province.min_lon, -10 + t),
                   json_build_array(province.min_lon, -11 + t))))::text,
               province.min_lon, -11 + t, province.max_lon, -10 + t, 'bench', false
        FROM geo_adminarea AS province, generate_series(1, %s) AS t
        WHERE province.level = 1
        """,
        [TERRITORIES_PER_PROVINCE],
    )
    # Sites in a territory, skewed towards the first provinces as in eastern DRC.
    execute(
        """
        WITH territory AS (
            SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, parent_id, name, min_lon, min_lat FROM geo_adminarea
            WHERE level = 2
        ), numbered AS (
            SELECT s, floor(power(random(), 1.6) * (SELECT count(*) FROM territory)) AS n FROM generate_series(1, %s) AS s
        )
        INSERT INTO sites_site (pcode, name, key, longitude, latitude, location_origin, country_code, province,
                                province_key, province_old, territory, territory_key, collectivite, groupement, village,
                                province_area_id, territory_area_id, outside_stated_province)
        SELECT 'bench' || numbered.s, 'Site ' || numbered.s, 'site ' || numbered.s,
               territory.min_lon + random(), territory.min_lat + random(), '', 'COD', '', '', '', territory.name, '', '',
               '', '', territory.parent_id, territory.id, false
        FROM numbered JOIN territory USING (n)
        """,
        [SITES],
    )


def generate_incidents(count):
    """`count` incidents over the last five years, in one INSERT … SELECT."""
    execute(
        """
        WITH category AS (SELECT array_agg(id ORDER BY id) AS ids FROM incidents_incidentcategory),
        territory AS (SELECT array_agg(id ORDER BY id) AS ids FROM geo_adminarea WHERE level = 2),
        site AS (SELECT array_agg(id ORDER BY id) AS ids FROM sites_site),
        drawn AS (
            SELECT i, random() AS status_draw, random() AS published_draw, random() AS site_draw,
                   power(random(), 1.5) AS category_draw, power(random(), 1.6) AS territory_draw,
                   random() AS site_pick, now() - random() * interval '1826 days' AS created_at,
                   random() AS date_draw
            FROM generate_series(1, %s) AS i
        ), placed AS (
            SELECT drawn.*,
                   CASE WHEN status_draw < 0.10 THEN 'received' WHEN status_draw < 0.18 THEN 'rejected'
                        WHEN status_draw < 0.22 THEN 'duplicate' WHEN status_draw < 0.42 THEN 'validated'
                        WHEN status_draw < 0.67 THEN 'in_follow_up' WHEN status_draw < 0.92 THEN 'resolved'
                        ELSE 'unresolved' END AS status,
                   category.ids[1 + floor(category_draw * array_length(category.ids, 1))::int] AS category_id,
                   CASE WHEN site_draw < 0.5 THEN site.ids[1 + floor(site_pick * array_length(site.ids, 1))::int] END
                       AS site_id,
                   territory.ids[1 + floor(territory_draw * array_length(territory.ids, 1))::int] AS territory_id
            FROM drawn, category, territory, site
        )
        INSERT INTO incidents_incident (
            reference, category_id, status, channel, language, occurred_on, occurred_on_text, location_text,
            location_precision, site_id, longitude, latitude, description, consent_to_contact, created_at, updated_at,
            province_id, territory_id, published, published_at, public_summary)
        SELECT 'B' || placed.i, placed.category_id, placed.status, 'sms', 'sw',
               CASE WHEN date_draw < 0.9 THEN (placed.created_at - date_draw * interval '10 days')::date END, '', '',
               CASE WHEN placed.site_id IS NULL THEN 'territory' ELSE 'site' END, placed.site_id,
               sites_site.longitude, sites_site.latitude, 'bench description', false, placed.created_at,
               placed.created_at, COALESCE(sites_site.province_area_id, territory.parent_id),
               COALESCE(sites_site.territory_area_id, placed.territory_id),
               placed.status IN ('validated', 'in_follow_up', 'resolved', 'unresolved') AND published_draw < 0.7,
               CASE WHEN placed.status IN ('validated', 'in_follow_up', 'resolved', 'unresolved')
                         AND published_draw < 0.7 THEN placed.created_at + interval '3 days' END,
               CASE WHEN published_draw < 0.3 THEN 'Summary written by the network' ELSE '' END
        FROM placed
        LEFT JOIN sites_site ON sites_site.id = placed.site_id
        JOIN geo_adminarea AS territory ON territory.id = placed.territory_id
        """,
        [count],
    )
    execute("ANALYZE")


def resolved_filters(filters, today):
    dates = {"LAST_YEAR": today - datetime.timedelta(days=365), "LAST_MONTH": today - datetime.timedelta(days=30)}
    return {name: dates.get(value, value) for name, value in filters.items()}


def madini_figures(criteria):
    from madini.incidents import public

    return public.dashboard_figures(public.shown_incidents(criteria))


def madini_page(client, filters):
    response = client.get("/dashboard/incidents/", {k: str(v) for k, v in filters.items()})
    assert response.status_code == 200, response.status_code
    return response


FLOOR_SQL = """
SELECT GROUPING(month, top_category, province_id, status) AS grouping_set, month, top_category, province_id, status,
       count(*), count(DISTINCT province_id)
FROM (
    SELECT date_trunc('month', COALESCE(i.occurred_on, (i.created_at AT TIME ZONE %(tz)s)::date)) AS month,
           COALESCE(c.parent_id, c.id) AS top_category, i.province_id, i.status
    FROM incidents_incident i JOIN incidents_incidentcategory c ON c.id = i.category_id
    WHERE i.published AND i.status IN ('validated', 'in_follow_up', 'resolved', 'unresolved')
      AND i.created_at <= now() - make_interval(days => %(delay)s) {where}
) AS shown
GROUP BY GROUPING SETS ((), (month), (top_category), (province_id), (status))
"""


def floor_query(criteria):
    """The floor's SQL and parameters for the filters, resolved to ids beforehand (not timed)."""
    from django.conf import settings

    from madini.geo.models import AdminArea
    from madini.geo.names import area_key
    from madini.incidents.models import IncidentCategory
    from madini.incidents.public import INTERNAL_STATUS_OF, start_of_day

    where, params = [], {"tz": settings.TIME_ZONE, "delay": settings.MADINI_PUBLICATION_DELAY_DAYS}
    if criteria.get("province"):
        params["province"] = AdminArea.objects.get(level=1, key=area_key(criteria["province"])).id
        where.append("i.province_id = %(province)s")
    if criteria.get("category"):
        params["category"] = IncidentCategory.objects.get(code=criteria["category"]).id
        where.append("(c.id = %(category)s OR c.parent_id = %(category)s)")
    if criteria.get("status"):
        params["status"] = INTERNAL_STATUS_OF[criteria["status"]]
        where.append("i.status = %(status)s")
    if criteria.get("date_from"):
        params["date_from"], params["reported_from"] = criteria["date_from"], start_of_day(criteria["date_from"])
        where.append(
            "(i.occurred_on >= %(date_from)s OR (i.occurred_on IS NULL AND i.created_at >= %(reported_from)s))"
        )
    return FLOOR_SQL.format(where="".join(f" AND {condition}" for condition in where)), params


def timed(function, runs):
    durations = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        durations.append((time.perf_counter() - start) * 1000)
    return durations


def percentiles(durations):
    ordered = sorted(durations)
    return {
        "p50": statistics.median(ordered),
        "p95": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
    }


def measure(scale, runs):
    from django.test import Client
    from django.utils import timezone

    today = timezone.localdate()
    client = Client()
    rows = []
    for label, filters in FILTER_SETS:
        criteria = {"date_from": None, "date_to": None, "category": None, "province": None, "status": None}
        criteria.update(resolved_filters(filters, today))
        sql, params = floor_query(criteria)
        floor_total = [row[5] for row in execute(sql, params) if row[0] == 15][0]
        figures = madini_figures(criteria)
        assert figures["figures"]["total"] == floor_total, (label, figures["figures"]["total"], floor_total)
        for _ in range(2):  # warm-up: caches, plans, connection
            madini_figures(criteria), execute(sql, params), madini_page(client, resolved_filters(filters, today))
        madini, floor, page = [], [], []
        for _ in range(runs):  # interleaved, so that background load hits both alike
            madini += timed(lambda: madini_figures(criteria), 1)
            floor += timed(lambda: execute(sql, params), 1)
            page += timed(lambda: madini_page(client, resolved_filters(filters, today)), 1)
        row = {
            "scale": scale,
            "filters": label,
            "shown": floor_total,
            "madini": percentiles(madini),
            "floor": percentiles(floor),
            "page": percentiles(page),
        }
        row["ratio_p50"] = row["madini"]["p50"] / row["floor"]["p50"]
        row["ratio_p95"] = row["madini"]["p95"] / row["floor"]["p95"]
        rows.append(row)
        print_row(row)
    return rows


def print_header():
    print(
        f"{'scale':>9} {'filters':<22} {'shown':>7} | {'figures p50':>11} {'p95':>7} | {'floor p50':>9} {'p95':>7}"
        f" | {'ratio p50':>9} {'p95':>5} | {'page p50':>8} {'p95':>7}   (ms)"
    )


def print_row(row):
    print(
        f"{row['scale']:>9,} {row['filters']:<22} {row['shown']:>7,} | {row['madini']['p50']:>11.1f}"
        f" {row['madini']['p95']:>7.1f} | {row['floor']['p50']:>9.1f} {row['floor']['p95']:>7.1f}"
        f" | {row['ratio_p50']:>9.2f} {row['ratio_p95']:>5.2f} | {row['page']['p50']:>8.1f} {row['page']['p95']:>7.1f}",
        flush=True,
    )


def explain(criteria):
    """The plans of Madini's queries for one filter: where the time goes."""
    from madini.incidents import public

    incidents = public.shown_incidents(criteria)
    queries = {
        "key figures": incidents.values("id"),  # the WHERE clause all of them share
        "by month": incidents,
    }
    for name, queryset in queries.items():
        print(f"-- {name}\n{queryset.explain(analyze=True, buffers=True)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", nargs="+", type=int, default=[10_000, 1_000_000], help="incidents per run")
    parser.add_argument("--runs", type=int, default=30, help="timed runs per filter set and target")
    parser.add_argument("--reuse-db", action="store_true", help="keep the data of the largest scale if present")
    parser.add_argument("--explain", action="store_true", help="print the plans of the key-figure and month queries")
    options = parser.parse_args()

    results = []
    print_header()
    for scale in options.scales:
        if not options.reuse_db:
            recreate_database()
        configure_django()
        from django.core.management import call_command
        from django.db import connections

        if not options.reuse_db:
            connections.close_all()
            call_command("migrate", verbosity=0)
            started = time.perf_counter()
            generate_places()
            generate_incidents(scale)
            print(f"# {scale:,} incidents generated in {time.perf_counter() - started:.0f} s", flush=True)
        call_command("collectstatic", interactive=False, verbosity=0)
        results += measure(scale, options.runs)
        if options.explain:
            explain({"date_from": None, "date_to": None, "category": None, "province": "Zone 01", "status": None})
        connections.close_all()

    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"dashboard-{datetime.datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(results, indent=2))
    print(f"# written to {path.relative_to(BENCH_DIR.parent)}")


if __name__ == "__main__":
    sys.exit(main())
