"""Open-data downloads: CSV (optionally HXL-tagged), Excel and GeoJSON of exactly the filtered sites."""

import csv
import gzip
import io
import itertools
import json

from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from openpyxl import Workbook

from madini.sites.queries import data_version
from madini.sites.rows import COLUMNS, HXL_TAGS, as_feature, iter_site_rows

CACHEABLE_BYTES = 20 * 1024 * 1024


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
    """The FeatureCollection as (plain bytes, gzipped bytes) from the cache while the data is unchanged.

    A collection too large to cache comes back as (None, chunks): the caller streams the chunks,
    so it is built once either way.
    """
    key = f"sites-geojson:{data_version()}:{limit}:{query_string}"
    bodies = cache.get(key)
    if bodies is not None:
        return bodies, None
    chunks = geojson_chunks(criteria, limit=limit)
    built, size = [], 0
    for chunk in chunks:
        built.append(chunk)
        size += len(chunk)
        if size > CACHEABLE_BYTES:
            return None, itertools.chain(built, chunks)
    body = "".join(built).encode("utf-8")
    bodies = (body, gzip.compress(body, compresslevel=6))
    cache.set(key, bodies, settings.PUBLIC_CACHE_SECONDS)
    return bodies, None
