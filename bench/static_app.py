"""The floor of bench/sites_api.py: pre-built files served from memory by a tiny WSGI app.

Run under the same gunicorn settings as Madini and pygeoapi. BENCH_STATIC_DIR holds the files and
an index.json mapping each URL path to a file and its content type. Every file is gzipped once at
start-up with the level Django's GZipMiddleware uses (6), and the gzipped copy is sent to clients
that accept gzip: no work per request but choosing the copy.
"""

import gzip
import json
import os
from pathlib import Path

GZIP_LEVEL = 6


def load_files(directory):
    directory = Path(directory)
    index = json.loads((directory / "index.json").read_text(encoding="utf-8"))
    files = {}
    for url_path, entry in index.items():
        body = (directory / entry["file"]).read_bytes()
        files[url_path] = (entry["content_type"], body, gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0))
    return files


FILES = load_files(os.environ["BENCH_STATIC_DIR"])


def application(environ, start_response):
    found = FILES.get(environ.get("PATH_INFO", ""))
    if found is None or environ["REQUEST_METHOD"] not in ("GET", "HEAD"):
        start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", "9")])
        return [b"not found"]
    content_type, body, gzipped = found
    headers = [("Content-Type", content_type), ("Vary", "Accept-Encoding"), ("Cache-Control", "public, max-age=300")]
    if "gzip" in environ.get("HTTP_ACCEPT_ENCODING", ""):
        body = gzipped
        headers.append(("Content-Encoding", "gzip"))
    headers.append(("Content-Length", str(len(body))))
    start_response("200 OK", headers)
    return [body] if environ["REQUEST_METHOD"] == "GET" else []
