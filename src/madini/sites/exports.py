"""Open-data downloads: CSV (optionally HXL-tagged), Excel and GeoJSON of exactly the filtered sites."""

import csv
import io
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
    """The FeatureCollection as bytes, from the cache while the data has not changed.

    Returns None when the collection is too large to cache: the caller streams it instead.
    """
    key = f"sites-geojson:{data_version()}:{limit}:{query_string}"
    body = cache.get(key)
    if body is None:
        body = "".join(geojson_chunks(criteria, limit=limit)).encode("utf-8")
        if len(body) > CACHEABLE_BYTES:
            return None
        cache.set(key, body, settings.PUBLIC_CACHE_SECONDS)
    return body
