"""The public sites API's content codings: Brotli or gzip as the client asks, the same document either way,
and coordinates exactly as precise as the IPIS file gives them."""

import gzip
import json
from decimal import Decimal

import brotli
import pytest

from madini.sites import exports
from madini.sites.api import preferred_coding

pytestmark = pytest.mark.usefixtures("real_sites", "db")


@pytest.fixture(autouse=True)
def no_upgrade_left_running():
    """A background Brotli copy must not land in the next test's cache."""
    yield
    exports.finish_brotli_upgrades(timeout=120)

WHOLE_MAP = "/api/sites/?format=geojson"
FILTERED_GEOJSON = "/api/sites/?format=geojson&province=Sud-Kivu&mineral=Or&armed_presence=true"
FILTERED_JSON = "/api/sites/?province=Sud-Kivu&mineral=Or&armed_presence=true&limit=100"
BROWSER = "gzip, deflate, br, zstd"
DECODERS = {"br": brotli.decompress, "gzip": gzip.decompress}


def body_of(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def fetch(client, url, accept_encoding=None):
    headers = {} if accept_encoding is None else {"HTTP_ACCEPT_ENCODING": accept_encoding}
    response = client.get(url, **headers)
    assert response.status_code == 200
    return response


def decoded(response):
    body = body_of(response)
    coding = response.get("Content-Encoding")
    return DECODERS[coding](body) if coding else body


@pytest.mark.parametrize("url", [WHOLE_MAP, FILTERED_GEOJSON, FILTERED_JSON])
def test_a_browser_gets_brotli_that_decodes_to_the_uncompressed_document(client, url):
    plain = fetch(client, url)
    assert "Content-Encoding" not in plain

    compressed = fetch(client, url, BROWSER)

    assert compressed["Content-Encoding"] == "br"
    assert "Accept-Encoding" in compressed["Vary"]
    assert compressed["Content-Type"] == plain["Content-Type"]
    assert brotli.decompress(body_of(compressed)) == body_of(plain)
    assert len(body_of(compressed)) < len(body_of(plain)) / 10


@pytest.mark.parametrize("url", [WHOLE_MAP, FILTERED_JSON])
def test_a_client_without_brotli_gets_gzip_of_the_same_document(client, url):
    plain = body_of(fetch(client, url))
    fetch(client, url, BROWSER)  # a cached Brotli copy must not be sent to a gzip-only client

    response = fetch(client, url, "gzip, deflate")

    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(body_of(response)) == plain


@pytest.mark.parametrize(
    "accept_encoding, coding",
    [
        ("br", "br"),
        ("gzip", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("gzip;q=0.8, br;q=0.5", "gzip"),
        ("GZIP;Q=0.5, BR", "br"),
        ("*", "br"),
        ("*;q=0.1, gzip", "gzip"),
        ("identity", None),
    ],
)
def test_the_coding_follows_the_clients_weights(client, accept_encoding, coding):
    plain = body_of(fetch(client, FILTERED_GEOJSON))

    response = fetch(client, FILTERED_GEOJSON, accept_encoding)

    assert response.get("Content-Encoding") == coding
    assert decoded(response) == plain


@pytest.mark.parametrize(
    "header, coding",
    [("", None), ("deflate", None), ("br;q=0", None), ("x-gzip", "gzip"), ("gzip;q=abc, br;q=0.001", "br")],
)
def test_preferred_coding(header, coding):
    assert preferred_coding(header) == coding


def test_each_coding_of_the_whole_map_is_the_same_feature_collection(client, curated):
    documents = {coding: json.loads(decoded(fetch(client, WHOLE_MAP, coding))) for coding in ("identity", "gzip", "br")}

    assert documents["br"] == documents["gzip"] == documents["identity"]
    assert sorted(feature["id"] for feature in documents["br"]["features"]) == sorted(curated.sites)


def test_coordinates_are_the_files_digits_exactly(client, curated):
    """Never more digits than the IPIS file has (no float noise), never fewer (no rounding)."""
    selected = curated.selected_visits()
    collection = json.loads(decoded(fetch(client, WHOLE_MAP, BROWSER)), parse_float=Decimal)

    for feature in collection["features"]:
        row = selected[feature["id"]]
        longitude, latitude = feature["geometry"]["coordinates"]
        assert (longitude, latitude) == (Decimal(row["longitude"]), Decimal(row["latitude"])), feature["id"]
        for sent, source in ((longitude, row["longitude"]), (latitude, row["latitude"])):
            assert -sent.normalize().as_tuple().exponent <= len(source.partition(".")[2]), (feature["id"], sent, source)


@pytest.mark.parametrize("url", [WHOLE_MAP, FILTERED_GEOJSON])
def test_a_large_body_is_sent_at_once_and_its_best_brotli_copy_replaces_the_quick_one(client, url):
    plain = body_of(fetch(client, url))
    assert len(plain) > exports.BROTLI_INLINE_BYTES

    quick = body_of(fetch(client, url, BROWSER))
    exports.finish_brotli_upgrades(timeout=120)
    best = body_of(fetch(client, url, BROWSER))

    assert brotli.decompress(quick) == brotli.decompress(best) == plain
    assert len(best) < len(quick)
    assert best == exports.brotli_body(plain)


def test_a_small_body_gets_its_best_brotli_copy_at_once(client):
    plain = body_of(fetch(client, FILTERED_JSON))
    assert len(plain) <= exports.BROTLI_INLINE_BYTES

    assert body_of(fetch(client, FILTERED_JSON, BROWSER)) == exports.brotli_body(plain)


def test_gzip_copies_are_level_9(client):
    plain = body_of(fetch(client, FILTERED_JSON))

    assert body_of(fetch(client, FILTERED_JSON, "gzip")) == gzip.compress(plain, compresslevel=9, mtime=0)
