"""Open-data downloads: CSV (optionally HXL-tagged), Excel and GeoJSON of exactly the filtered sites."""

import csv
import gzip
import io
import itertools
import json
import threading
import time

import brotli
from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from openpyxl import Workbook

from madini.sites.queries import data_version
from madini.sites.rows import COLUMNS, HXL_TAGS, as_feature, iter_site_rows

CACHEABLE_BYTES = 20 * 1024 * 1024
# A cached body is compressed once per content coding, when a client first asks for that coding,
# and the copy is kept with it: so it gets the strongest settings whose one-off cost stays bounded.
# gzip: level 9 (the level pygeoapi uses; Django's GZipMiddleware uses 6). Brotli: quality 11.
# Measured on the real whole map (2.1 MB): gzip 6 161 kB, gzip 9 152 kB (0.14 s), Brotli 5 133 kB
# (0.02 s), Brotli 9 127 kB (0.13 s), Brotli 11 106 kB (2-5 s on two busy cores; a 212 kB filtered
# map 0.4-1.5 s, a 44 kB JSON page 0.07 s). So that no request waits long for it, a body larger than
# BROTLI_INLINE_BYTES is first sent at quality 5
# while a background thread makes the quality-11 copy, which replaces it in the cache (the Brotli
# encoder releases the GIL: the worker's other threads go on serving). Above BROTLI_BEST_BYTES,
# quality 11 would take tens of seconds: quality 9 then.
GZIP_LEVEL = 9
BROTLI_INLINE_BYTES = 64 * 1024
BROTLI_QUICK_QUALITY = 5
BROTLI_BEST_BYTES = 4 * 1024 * 1024


def gzip_body(body):
    return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)


def brotli_body(body, quality=None):
    if quality is None:
        quality = 11 if len(body) <= BROTLI_BEST_BYTES else 9
    return brotli.compress(body, mode=brotli.MODE_TEXT, quality=quality)


COMPRESSORS = {"gzip": gzip_body, "br": brotli_body}

_upgrades = {}  # cache key -> the thread making its best Brotli copy
_upgrades_lock = threading.Lock()


class CachedBody:
    """A response body in the cache under `key`, with the compressed copies made of it so far."""

    def __init__(self, key, entry):
        self.key, self.entry = key, entry

    @classmethod
    def get(cls, key):
        entry = cache.get(key)
        return cls(key, entry) if entry is not None else None

    @classmethod
    def store(cls, key, body):
        timeout = settings.PUBLIC_CACHE_SECONDS
        entry = {"plain": body, "expires": time.time() + timeout}
        cache.set(key, entry, timeout)
        return cls(key, entry)

    @property
    def plain(self):
        return self.entry["plain"]

    def encoded(self, coding):
        """The body in a content coding (gzip, br), compressed now if no request asked for it before."""
        body = self.entry.get(coding)
        if body is None:
            if coding == "br" and len(self.plain) > BROTLI_INLINE_BYTES:
                body = brotli_body(self.plain, quality=BROTLI_QUICK_QUALITY)
                self.keep(coding, body)
                upgrade_brotli_in_background(self.key, self.plain)
            else:
                body = COMPRESSORS[coding](self.plain)
                self.keep(coding, body)
        return body

    def keep(self, coding, body):
        self.entry = {**self.entry, coding: body}
        remaining = self.entry["expires"] - time.time()  # a copy never outlives its body
        if remaining >= 1:
            cache.set(self.key, self.entry, remaining)


def upgrade_brotli_in_background(key, plain):
    def upgrade():
        try:
            best = brotli_body(plain)
            current = CachedBody.get(key)
            if current is not None and current.plain == plain:
                current.keep("br", best)
        finally:
            with _upgrades_lock:
                _upgrades.pop(key, None)

    with _upgrades_lock:
        if key in _upgrades:
            return
        thread = _upgrades[key] = threading.Thread(target=upgrade, name="madini-brotli", daemon=True)
    thread.start()


def finish_brotli_upgrades(timeout=None):
    """Wait for the background Brotli copies under way (for tests and benchmarks)."""
    with _upgrades_lock:
        threads = list(_upgrades.values())
    for thread in threads:
        thread.join(timeout)


def csv_cell(value):
    if value is True:
        return "1"
    if value is False:
        return "0"
    return "" if value is None else value


class Echo:
    """A file-like object whose write returns the text, for streaming csv.writer output."""

    def write(self, value):
        return value


def csv_lines(criteria, hxl=False):
    writer = csv.writer(Echo())
    yield writer.writerow(COLUMNS)
    if hxl:
        yield writer.writerow([HXL_TAGS[column] for column in COLUMNS])
    for row in iter_site_rows(criteria):
        yield writer.writerow([csv_cell(row[column]) for column in COLUMNS])


def xlsx_bytes(criteria):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("sites")
    sheet.append(list(COLUMNS))
    for row in iter_site_rows(criteria):
        sheet.append([csv_cell(row[column]) for column in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def geojson_chunks(criteria, limit=None):
    """A FeatureCollection, streamed feature by feature."""
    yield '{"type":"FeatureCollection","features":['
    for index, row in enumerate(iter_site_rows(criteria)):
        if limit is not None and index >= limit:
            break
        yield ("," if index else "") + json.dumps(as_feature(row), cls=DjangoJSONEncoder, separators=(",", ":"))
    yield "]}"


def cached_geojson(criteria, query_string, limit=None):
    """The FeatureCollection as a CachedBody, from the cache while the data is unchanged.

    A collection too large to cache comes back as (None, chunks): the caller streams the chunks,
    so it is built once either way.
    """
    key = f"sites-geojson-v2:{data_version()}:{limit}:{query_string}"
    cached = CachedBody.get(key)
    if cached is not None:
        return cached, None
    chunks = geojson_chunks(criteria, limit=limit)
    built, size = [], 0
    for chunk in chunks:
        built.append(chunk)
        size += len(chunk)
        if size > CACHEABLE_BYTES:
            return None, itertools.chain(built, chunks)
    return CachedBody.store(key, "".join(built).encode("utf-8")), None
