"""Where the time of Madini's sites API goes: run by bench/sites_api.py --profile, or by hand.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/madini_bench SECRET_KEY=x ALLOWED_HOSTS=127.0.0.1 \
        .venv/bin/python bench/profile_sites_geojson.py [--out FILE.json] [PATH ...]

Each PATH (default: the whole-map GeoJSON) is requested in-process through Django's test client with
the production middleware (GZip included) and a browser's Accept-Encoding (gzip, deflate, br), cold
(cache cleared: the body is built and compressed once) and warm, and once under cProfile.
For the whole map it also times the phases of the GeoJSON export on their own.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time

DEFAULT_PATHS = ["/api/sites/?format=geojson"]


def consume(response):
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def timed_request(client, path):
    started = time.perf_counter()
    response = client.get(path, HTTP_ACCEPT_ENCODING="gzip, deflate, br", HTTP_HOST="127.0.0.1")
    size = consume(response)
    return time.perf_counter() - started, response, size


def top_functions(profile, sort, limit=18):
    stream = io.StringIO()
    stats = pstats.Stats(profile, stream=stream)
    stats.sort_stats(sort).print_stats(limit)
    lines = stream.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
    return [line.rstrip() for line in lines[start:] if line.strip()]


def export_phases():
    """The whole-map export split into its steps, each timed alone (no profiler)."""
    from django.core.serializers.json import DjangoJSONEncoder
    from django.utils.text import compress_string

    from madini.sites.exports import CACHEABLE_BYTES, brotli_body, gzip_body
    from madini.sites.queries import data_version
    from madini.sites.rows import as_feature, iter_site_rows

    phases = {}
    started = time.perf_counter()
    data_version()
    phases["data_version query"] = time.perf_counter() - started

    started = time.perf_counter()
    rows = list(iter_site_rows({}))
    phases["iter_site_rows (SQL + row dicts)"] = time.perf_counter() - started

    started = time.perf_counter()
    features = [as_feature(row) for row in rows]
    phases["as_feature"] = time.perf_counter() - started

    started = time.perf_counter()
    parts = [json.dumps(feature, cls=DjangoJSONEncoder, separators=(",", ":")) for feature in features]
    phases["json.dumps per feature (DjangoJSONEncoder)"] = time.perf_counter() - started

    started = time.perf_counter()
    body = ('{"type":"FeatureCollection","features":[' + ",".join(parts) + "]}").encode("utf-8")
    phases["join + encode"] = time.perf_counter() - started

    started = time.perf_counter()
    compressed = compress_string(body)
    phases["gzip level 6 (GZipMiddleware, streamed bodies)"] = time.perf_counter() - started

    started = time.perf_counter()
    gzipped = gzip_body(body)
    phases["gzip level 9 (cached body, once per entry)"] = time.perf_counter() - started

    started = time.perf_counter()
    brotlied = brotli_body(body)
    phases["brotli (cached body, once per entry)"] = time.perf_counter() - started

    return {
        "sites": len(rows),
        "body_bytes": len(body),
        "gzip6_bytes": len(compressed),
        "gzip_bytes": len(gzipped),
        "br_bytes": len(brotlied),
        "cacheable": len(body) <= CACHEABLE_BYTES,
        "cacheable_limit_bytes": CACHEABLE_BYTES,
        "seconds": {name: round(value, 4) for name, value in phases.items()},
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", default=DEFAULT_PATHS)
    parser.add_argument("--out", help="write the results as JSON to this file")
    parser.add_argument("--top", type=int, default=18)
    parser.add_argument("--once", action="store_true",
                        help="only the profiled request (at 100x one whole-map request takes minutes)")
    parser.add_argument("--no-phases", action="store_true", help="skip the phase-by-phase timing of the export")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "madini.settings")
    import django

    django.setup()
    from django.core.cache import cache
    from django.test import Client

    client = Client()
    results = {"paths": {}}
    for path in args.paths:
        cold = warm = None
        if not args.once:
            cache.clear()
            cold, response, size = timed_request(client, path)
            warm, _, _ = timed_request(client, path)
        cache.clear()
        profile = cProfile.Profile()
        profile.enable()
        profiled, response, size = timed_request(client, path)
        profile.disable()
        entry = {
            "status": response.status_code,
            "streaming": response.streaming,
            "content_encoding": response.get("Content-Encoding", ""),
            "transferred_bytes": size,
            "cold_seconds": round(cold, 4) if cold is not None else None,
            "warm_seconds": round(warm, 4) if warm is not None else None,
            "profiled_seconds": round(profiled, 4),
            "top_cumulative": top_functions(profile, "cumulative", args.top),
            "top_self": top_functions(profile, "tottime", args.top),
        }
        results["paths"][path] = entry
        print(f"\n=== {path}: HTTP {entry['status']}, {size:,} bytes sent "
              f"({'streamed' if response.streaming else 'one body'}, {entry['content_encoding'] or 'identity'}); "
              + (f"cold {cold:.3f}s, warm {warm:.3f}s, " if cold is not None else "")
              + f"under cProfile {profiled:.3f}s")
        print("--- by cumulative time")
        print("\n".join(entry["top_cumulative"]))
        print("--- by own time")
        print("\n".join(entry["top_self"]))
    if not args.no_phases and any(path.startswith("/api/sites/?format=geojson") and "&" not in path for path in args.paths):
        results["export_phases"] = export_phases()
        print("\n=== whole-map export, phase by phase (no profiler):")
        for name, seconds in results["export_phases"]["seconds"].items():
            print(f"  {name:50s} {seconds:8.3f} s")
        phases = results["export_phases"]
        print(f"  {phases['sites']:,} sites, {phases['body_bytes']:,} bytes, {phases['gzip6_bytes']:,} gzip 6, "
              f"{phases['gzip_bytes']:,} gzip 9, {phases['br_bytes']:,} brotli; "
              f"cacheable (<= {phases['cacheable_limit_bytes']:,} bytes): {phases['cacheable']}")
    if args.out:
        with open(args.out, "w", encoding="utf-8") as stream:
            json.dump(results, stream, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
