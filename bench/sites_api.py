"""Benchmark (not a test): Madini's sites API against pygeoapi and a static file, same machine, same server.

    .venv/bin/python bench/sites_api.py [--scale real|100x|both] [--seconds N] [--concurrency C]

For each scale it builds a fresh PostgreSQL database, imports the sites with `madini import-sites`
(the real IPIS export, or ~340k generated sites at 100x, timing the import), and serves three targets
with gunicorn under identical settings, all on 127.0.0.1:

  madini    Madini itself, production-like settings (DEBUG off, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL);
  pygeoapi  pygeoapi in its own virtualenv (bench/.venv-pygeoapi), the same sites as an OGC API -
            Features collection from a PostGIS table (its GeoJSON provider if PostGIS is missing);
  static    the same responses as pre-built files, gzipped once, served from memory (the floor).

It then measures, per query, requests per second, p50/p95 latency and response bytes (as sent, and
decoded) under a bounded load from Python threads on 127.0.0.1, and writes the table and ratios to
stdout and JSON to bench/results/. Every request to every target carries a browser's
`Accept-Encoding: gzip, deflate, br`: each server sends whatever coding it chooses for that, and the
bytes compared are the body bytes it actually sent. See bench/README.md.
"""

import argparse
import collections
import datetime
import gzip
import http.client
import json
import os
import platform
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
PROJECT_PYTHON = Path(sys.executable)
PROJECT_BIN = PROJECT_PYTHON.parent
PYGEOAPI_VENV = BENCH_DIR / ".venv-pygeoapi"
PYGEOAPI_REQUIREMENTS = BENCH_DIR / "requirements-pygeoapi.txt"
PYGEOAPI_TEMPLATE = BENCH_DIR / "pygeoapi-config.template.yml"
GUNICORN_VERSION = "27.0.1"

PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
HOST = "127.0.0.1"
# What a browser sends (Chrome and Firefox add zstd, which no target here speaks): the same for every target.
ACCEPT_ENCODING = "gzip, deflate, br"
REQUESTS_PER_CLIENT = 50  # far under Madini's default anonymous rate (600/minute)
REAL_SITES = 3409  # sites in the real IPIS export: 100x is this many times 100
SCALES = {
    "real": {"db": "madini_bench", "peer_db": "madini_bench_pygeoapi"},
    "100x": {"db": "madini_bench_100x", "peer_db": "madini_bench_100x_pygeoapi"},
}

# The queries. Madini's filtered request and pygeoapi's closest equivalent (see peer_queries).
PROVINCE, MINERAL = "Sud-Kivu", "Or"
MADINI_QUERIES = {
    "whole map (GeoJSON)": "/api/sites/?format=geojson",
    "filtered (GeoJSON)": f"/api/sites/?format=geojson&province={PROVINCE}&mineral={MINERAL}&armed_presence=true",
    "filtered (JSON, limit=100)": f"/api/sites/?province={PROVINCE}&mineral={MINERAL}&armed_presence=true&limit=100",
}
STATIC_FILES = {
    "whole map (GeoJSON)": ("/whole.geojson", "whole.geojson", "application/geo+json"),
    "filtered (GeoJSON)": ("/filtered.geojson", "filtered.geojson", "application/geo+json"),
    "filtered (JSON, limit=100)": ("/filtered-limit100.json", "filtered-limit100.json", "application/json"),
}
# Madini's feature properties, as columns of the peer's table (PostgreSQL types).
PEER_COLUMNS = {
    "pcode": "text PRIMARY KEY",
    "name": "text",
    "province": "text",
    "territoire": "text",
    "collectivite": "text",
    "groupement": "text",
    "village": "text",
    "visit_date": "date",
    "source": "text",
    "project": "text",
    "workers_numb": "integer",
    "minerals": "text",
    "mercury": "boolean",
    "presence": "boolean",
    "interference": "boolean",
    "armed_groups": "text",
    "childunder15": "boolean",
    "women": "boolean",
    "state_services": "text",
    "traceability": "text",
    "qualification": "text",
    "outside_stated_province": "boolean",
}
# "The site's selected visit lists Or among its minerals", on the "; "-joined list Madini exports.
MINERAL_CQL = (
    f"(minerals = '{MINERAL}' OR minerals LIKE '{MINERAL}; %' OR minerals LIKE '%; {MINERAL}'"
    f" OR minerals LIKE '%; {MINERAL}; %')"
)
PEER_FILTER_NOTE = (
    f"province={PROVINCE} as an OGC API - Features property filter (exact equality on a queryable), "
    f"armed presence and mineral as a CQL2-text filter (OGC API - Features Part 3, via pygeofilter): "
    f"presence = true AND {MINERAL_CQL}. Madini's filter is richer (case/accent-insensitive province and "
    "mineral names, English aliases such as gold, membership in a normalised mineral list); the peer "
    "answers the same sites only because its table holds Madini's own export. The result counts are checked."
)


def peer_queries(site_count):
    cql = f"presence = true AND {MINERAL_CQL}"
    filtered = f"province={quote(PROVINCE)}&filter-lang=cql2-text&filter={quote(cql)}"
    return {
        "whole map (GeoJSON)": f"/collections/sites/items?f=json&limit={site_count}",
        "filtered (GeoJSON)": f"/collections/sites/items?f=json&limit={site_count}&{filtered}",
        "filtered (JSON, limit=100)": f"/collections/sites/items?f=json&limit=100&{filtered}",
    }


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- PostgreSQL -------------------------------------------------------------------------------------


def pg_connect(dbname="postgres"):
    import psycopg

    return psycopg.connect(f"{PG_ADMIN_URL}/{dbname}", autocommit=True)


def recreate_database(name):
    with pg_connect() as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def analyze_database(name):
    """VACUUM ANALYZE: the planner statistics autovacuum gives a production server after a bulk load.

    Autovacuum may be off on a development server (it is on this workplace's), and the Madini import
    does not analyze: without this the planner guesses from empty statistics after the import.
    """
    started = time.perf_counter()
    with pg_connect(name) as connection:
        autovacuum = connection.execute("SHOW autovacuum").fetchone()[0]
        connection.execute("VACUUM ANALYZE")
    return {"autovacuum": autovacuum, "vacuum_analyze_seconds": round(time.perf_counter() - started, 1)}


def database_exists(name):
    with pg_connect() as connection:
        return connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def server_versions():
    with pg_connect() as connection:
        postgres = connection.execute("SHOW server_version").fetchone()[0]
        postgis = connection.execute(
            "SELECT default_version FROM pg_available_extensions WHERE name = 'postgis'"
        ).fetchone()
    return postgres, (postgis[0] if postgis else None)


def ensure_postgis_available():
    """PostGIS for the peer's provider: from Debian's packages when it is not there yet."""
    if server_versions()[1]:
        return True
    if shutil.which("apt-get") and os.geteuid() == 0:
        major = server_versions()[0].split(".")[0]
        log(f"installing PostGIS for PostgreSQL {major} from Debian's packages")
        environment = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(
            ["apt-get", "install", "-y", "-q", f"postgresql-{major}-postgis-3"],
            env=environment, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
    return bool(server_versions()[1])


# --- environments ------------------------------------------------------------------------------------


def ensure_project_gunicorn():
    if not (PROJECT_BIN / "gunicorn").exists():
        log(f"installing gunicorn=={GUNICORN_VERSION} into {PROJECT_BIN.parent} (pip; not a project dependency)")
        subprocess.run([str(PROJECT_PYTHON), "-m", "pip", "install", "-q", f"gunicorn=={GUNICORN_VERSION}"], check=True)


def find_python_for_pygeoapi(explicit):
    """pygeoapi 0.22 and later need Python 3.12+: prefer such an interpreter, as the pins expect."""
    candidates = [explicit] if explicit else []
    candidates += ["python3.12", "python3.13"]
    for candidate in candidates:
        found = shutil.which(candidate) if candidate else None
        # A pyenv shim is on PATH even when no selected version provides it: try it before trusting it.
        if found and subprocess.run([found, "--version"], capture_output=True).returncode == 0:
            return found
    pyenv = Path.home() / ".pyenv" / "versions"
    for version_dir in sorted(pyenv.glob("3.1[23]*")) if pyenv.is_dir() else []:
        if (version_dir / "bin" / "python").exists():
            return str(version_dir / "bin" / "python")
    return None


def ensure_pygeoapi_venv(explicit_python):
    python = PYGEOAPI_VENV / "bin" / "python"
    if (PYGEOAPI_VENV / "bin" / "gunicorn").exists() and (PYGEOAPI_VENV / "bin" / "pygeoapi").exists():
        return python
    interpreter = find_python_for_pygeoapi(explicit_python)
    if interpreter is None:
        raise SystemExit(
            "pygeoapi >= 0.22 needs Python 3.12 or later and none was found: pass --pygeoapi-python, or "
            f"create {PYGEOAPI_VENV} by hand (see bench/README.md)."
        )
    log(f"creating {PYGEOAPI_VENV} with {interpreter} and installing {PYGEOAPI_REQUIREMENTS.name}")
    subprocess.run([interpreter, "-m", "venv", str(PYGEOAPI_VENV)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", "-r", str(PYGEOAPI_REQUIREMENTS)], check=True)
    return python


def package_version(python, package):
    code = f"import importlib.metadata as m; print(m.version({package!r}))"
    result = subprocess.run([str(python), "-c", code], capture_output=True, text=True)
    return result.stdout.strip() or None


def python_version(python):
    result = subprocess.run([str(python), "-c", "import platform; print(platform.python_version())"],
                            capture_output=True, text=True)  # fmt: skip
    return result.stdout.strip()


# --- Madini data -------------------------------------------------------------------------------------


def madini_env(database):
    environment = {key: value for key, value in os.environ.items() if key != "DEBUG"}
    environment.update(
        DJANGO_SETTINGS_MODULE="madini.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        DATABASE_URL=f"{PG_ADMIN_URL}/{database}",
        LOG_LEVEL="WARNING",
        # Throttling still runs on every request (its cache look-up is part of the cost), but the
        # anonymous rate is lifted: every request of a load test comes from one address.
        MADINI_API_ANON_RATE="100000000/minute",
    )
    return environment


def madini_command(environment, *args, **kwargs):
    return subprocess.run([str(PROJECT_BIN / "madini"), *args], env=environment, cwd=REPO_DIR, check=True, **kwargs)


def data_dir():
    return Path(os.environ.get("MADINI_DATA_DIR", REPO_DIR.parent / "shared" / "data"))


def generated_csv(sites, seed):
    """The 100x data set, made by madini.sites.demo (kept in bench/results/data: the same seed gives the same file)."""
    path = RESULTS_DIR / "data" / f"generated-{sites}-seed{seed}.csv"
    if path.exists():
        return path, None
    path.parent.mkdir(parents=True, exist_ok=True)
    log(f"generating {sites:,} sites (seed {seed}) with madini.sites.demo.write_generated_csv")
    started = time.perf_counter()
    partial = path.with_suffix(".partial")
    code = (
        "import sys; from madini.sites.demo import write_generated_csv; "
        f"print(write_generated_csv(sys.argv[1], sites={sites}, seed={seed}))"
    )
    subprocess.run([str(PROJECT_PYTHON), "-c", code, str(partial)], check=True, cwd=REPO_DIR, stdout=subprocess.DEVNULL)
    partial.rename(path)
    return path, time.perf_counter() - started


def prepare_madini_database(scale, args):
    database = SCALES[scale]["db"]
    environment = madini_env(database)
    info = {"database": database}
    record = RESULTS_DIR / f"import-{scale}.json"
    if args.reuse_db and database_exists(database):
        log(f"reusing database {database} (--reuse-db): no import this run")
        info["import"] = None
        if record.exists():
            info["previous_import"] = json.loads(record.read_text())
        return environment, info
    if scale == "real":
        source = data_dir() / "ipis" / "cod_mines_curated_all_opendata_p_ipis.csv"
        if not source.exists():
            raise SystemExit(f"{source} is missing: set MADINI_DATA_DIR")
    else:
        source, generation_seconds = generated_csv(args.sites_100x, args.seed)
        info["generation_seconds"] = round(generation_seconds, 1) if generation_seconds else "reused file"
    log(f"dropping and creating {database}; migrating")
    recreate_database(database)
    madini_command(environment, "migrate", "--no-input", "-v0")
    log(f"importing {source.name} with `madini import-sites`")
    started = time.perf_counter()
    result = madini_command(environment, "import-sites", str(source), capture_output=True, text=True)
    seconds = time.perf_counter() - started
    summary = result.stdout.strip().splitlines()
    rows = int(summary[0].split(":")[-1].split("rows read")[0].strip().replace(",", "")) if summary else 0
    info["import"] = {
        "source": str(source),
        "seconds": round(seconds, 1),
        "rows": rows,
        "rows_per_second": round(rows / seconds, 1) if seconds else None,
        "summary": summary[:2],
    }
    log(f"imported {rows:,} rows in {seconds:.1f} s ({rows / seconds:,.0f} rows/s): {' '.join(summary[1:2])}")
    info["import"]["finished"] = datetime.datetime.now().isoformat(timespec="seconds")
    info["import"]["loadavg_1min_after"] = os.getloadavg()[0]
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps(info["import"], indent=2))
    return environment, info


# --- the peer's PostGIS table ------------------------------------------------------------------------


def load_peer_table(database, features):
    """One row per feature of Madini's whole-map GeoJSON, indexed as a PostGIS deployment would be."""
    recreate_database(database)
    with pg_connect(database) as connection:
        connection.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        columns = ", ".join(f"{name} {kind}" for name, kind in PEER_COLUMNS.items())
        connection.execute(f"CREATE TABLE sites ({columns}, geom geometry(Point, 4326) NOT NULL)")
        names = [*PEER_COLUMNS, "geom"]
        with connection.cursor() as cursor:
            with cursor.copy(f"COPY sites ({', '.join(names)}) FROM STDIN") as copy:
                for feature in features:
                    properties = feature["properties"]
                    longitude, latitude = feature["geometry"]["coordinates"]
                    row = [properties.get(name) for name in PEER_COLUMNS]
                    row.append(f"SRID=4326;POINT({longitude!r} {latitude!r})")
                    copy.write_row(row)
        connection.execute("CREATE INDEX sites_geom ON sites USING gist (geom)")
        connection.execute("CREATE INDEX sites_province ON sites (province)")
        connection.execute("CREATE INDEX sites_presence ON sites (presence)")
        connection.execute("VACUUM ANALYZE sites")


# --- servers -------------------------------------------------------------------------------------------


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Server:
    """A gunicorn master with identical settings for every target."""

    def __init__(self, name, gunicorn, app, environment, args, cwd, port=None):
        self.name = name
        self.port = port or free_port()
        self.log_path = RESULTS_DIR / "logs" / f"{name}.log"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        command = [
            str(gunicorn), app,
            "--bind", f"{HOST}:{self.port}",
            "--worker-class", "gthread",
            "--workers", str(args.workers),
            "--threads", str(args.threads),
            "--timeout", str(args.request_timeout),
            "--keep-alive", "5",
            "--log-level", "warning",
        ]  # fmt: skip
        self.log_file = open(self.log_path, "w")
        self.process = subprocess.Popen(command, env=environment, cwd=cwd, stdout=self.log_file, stderr=subprocess.STDOUT)
        self.command = command

    def wait_ready(self, path, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} exited (code {self.process.returncode}); see {self.log_path}")
            try:
                connection = http.client.HTTPConnection(HOST, self.port, timeout=5)
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                connection.close()
                if response.status < 500:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"{self.name} did not answer on port {self.port}; see {self.log_path}")

    def pids(self):
        """The master and its workers."""
        pids = [self.process.pid]
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                pids.append(int(stat.parent.name))
        return pids

    def cpu_seconds(self):
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime + stime
        return total / ticks

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log_file.close()


# --- the load client ----------------------------------------------------------------------------------


class Connection:
    """A minimal HTTP/1.1 keep-alive client that counts body bytes without keeping them."""

    def __init__(self, port, timeout):
        self.sock = socket.create_connection((HOST, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""
        self.scratch = bytearray(1 << 20)

    def close(self):
        self.sock.close()

    def _fill(self):
        data = self.sock.recv(1 << 18)
        if not data:
            raise ConnectionError("the server closed the connection")
        self.buffer += data

    def _line(self):
        while (end := self.buffer.find(b"\r\n")) < 0:
            self._fill()
        line, self.buffer = self.buffer[:end], self.buffer[end + 2 :]
        return line

    def _skip(self, count):
        if len(self.buffer) >= count:
            self.buffer = self.buffer[count:]
            return
        remaining = count - len(self.buffer)
        self.buffer = b""
        view = memoryview(self.scratch)
        while remaining:
            received = self.sock.recv_into(view, min(remaining, len(self.scratch)))
            if not received:
                raise ConnectionError("the server closed the connection inside a body")
            remaining -= received

    def _take(self, count, keep):
        if keep is None:
            self._skip(count)
            return
        while len(self.buffer) < count:
            self._fill()
        keep.append(self.buffer[:count])
        self.buffer = self.buffer[count:]

    def request(self, raw_request, keep_body=False):
        """Send one request; return (status, body bytes as sent, keep-alive, headers, body or None)."""
        self.sock.sendall(raw_request)
        while (end := self.buffer.find(b"\r\n\r\n")) < 0:
            self._fill()
        head, self.buffer = self.buffer[:end].decode("latin-1"), self.buffer[end + 4 :]
        lines = head.split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        keep = [] if keep_body else None
        keep_alive = headers.get("connection", "").lower() != "close"
        if "content-length" in headers:
            length = int(headers["content-length"])
            self._take(length, keep)
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            length = 0
            while True:
                size = int(self._line().split(b";")[0], 16)
                if size == 0:
                    while self._line():  # trailers, then the empty line
                        pass
                    break
                self._take(size, keep)
                self._skip(2)
                length += size
        else:  # delimited by the end of the connection
            if keep is not None:
                keep.append(self.buffer)
            length = len(self.buffer)
            self.buffer = b""
            while True:
                received = self.sock.recv_into(self.scratch)
                if not received:
                    break
                if keep is not None:
                    keep.append(bytes(self.scratch[:received]))
                length += received
            keep_alive = False
        return status, length, keep_alive, headers, (b"".join(keep) if keep is not None else None)


def raw_request(port, path, client_address=None):
    lines = [f"GET {path} HTTP/1.1", f"Host: {HOST}:{port}", "User-Agent: madini-bench", "Accept: */*",
             f"Accept-Encoding: {ACCEPT_ENCODING}"]  # fmt: skip
    if client_address:
        lines.append(f"X-Forwarded-For: {client_address}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")


def run_load(port, path, concurrency, seconds, timeout, capture=False):
    """`concurrency` threads send requests back to back until `seconds` have passed; requests under
    way then are completed and counted. Returns the samples, the errors, the wall time the load took
    and, with capture, the first response of thread 0 (status, headers, body as sent).

    Each thread speaks for a succession of simulated clients (X-Forwarded-For, as a reverse proxy
    would set it), REQUESTS_PER_CLIENT requests each: Madini's per-client throttle then sees what it
    sees in production (many clients, each well under its rate) instead of one client at 1000s/minute.
    """
    samples, errors = [], collections.Counter()
    captured = []
    lock = threading.Lock()
    started = time.perf_counter()
    deadline = started + seconds
    finished_at = []

    def worker(number):
        connection = None
        local_samples, local_errors = [], collections.Counter()
        sent = 0
        want_body = capture and number == 0
        while sent == 0 or time.perf_counter() < deadline:  # at least one request per thread
            client = sent // REQUESTS_PER_CLIENT
            address = f"10.{number % 256}.{(client // 250) % 256}.{client % 250 + 1}"
            request = raw_request(port, path, address)
            try:
                if connection is None:
                    connection = Connection(port, timeout)
                begun = time.perf_counter()
                status, size, keep_alive, headers, body = connection.request(request, keep_body=want_body)
                local_samples.append((time.perf_counter() - begun, status, size))
                if want_body:
                    captured.append((status, headers, body))
                    want_body = False
                if not keep_alive:
                    connection.close()
                    connection = None
            except (OSError, ValueError, IndexError) as error:
                local_errors[type(error).__name__] += 1
                if connection is not None:
                    connection.close()
                connection = None
                time.sleep(0.05)
            sent += 1
        if connection is not None:
            connection.close()
        with lock:
            samples.extend(local_samples)
            errors.update(local_errors)
            finished_at.append(time.perf_counter())

    threads = [threading.Thread(target=worker, args=(number,), daemon=True) for number in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples, errors, max(finished_at) - started, (captured[0] if captured else None)


def percentile(values, fraction):
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def probe(port, path, timeout):
    """One request with a browser's Accept-Encoding, read in full and decoded: sizes, latency, content."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    started = time.perf_counter()
    connection.request("GET", path, headers={"Accept-Encoding": ACCEPT_ENCODING, "User-Agent": "madini-bench"})
    response = connection.getresponse()
    body = response.read()
    seconds = time.perf_counter() - started
    connection.close()
    encoding = response.getheader("Content-Encoding", "")
    raw = decode_body(body, encoding)
    return {
        "status": response.status,
        "seconds": seconds,
        "content_type": response.getheader("Content-Type", ""),
        "content_encoding": encoding or "identity",
        "sent_bytes": len(body),
        "uncompressed_bytes": len(raw),
        "body": raw,
    }


def decode_body(body, encoding):
    """The body without its content coding (gzip, br or none; anything else is an error)."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return body
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "br":
        import brotli  # a Madini dependency, so in the project's virtualenv

        return brotli.decompress(body)
    raise ValueError(f"unexpected Content-Encoding {encoding!r}")


def item_ids(document):
    """The site codes a response lists, in order: features (GeoJSON) or results (Madini's JSON)."""
    if "features" in document:
        return [feature.get("id") for feature in document["features"]], document.get("numberMatched")
    if "results" in document:
        return [site.get("pcode") for site in document["results"]], document.get("count")
    return None, None


# --- one scale -------------------------------------------------------------------------------------------


def measure_scale(scale, args, pygeoapi_python):
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    result = {"scale": scale, "queries": {}, "targets": {}, "equivalent": True}
    environment, result["madini_data"] = prepare_madini_database(scale, args)
    if not args.no_analyze:
        result["madini_data"]["analyze"] = analyze_database(result["madini_data"]["database"])
        log(f"VACUUM ANALYZE {result['madini_data']['database']}: {result['madini_data']['analyze']}")
    servers = {}
    try:
        servers["madini"] = Server(f"{scale}-madini", PROJECT_BIN / "gunicorn", "madini.wsgi:application",
                                   environment, args, REPO_DIR)  # fmt: skip
        servers["madini"].wait_ready("/api/sites/?limit=1")
        log(f"madini on port {servers['madini'].port}: fetching the reference responses")
        references = {}
        for query, path in MADINI_QUERIES.items():
            answer = probe(servers["madini"].port, path, args.request_timeout)
            if answer["status"] != 200:
                raise SystemExit(f"madini answered {answer['status']} to {path}: {answer['body'][:300]!r}")
            ids, matched = item_ids(json.loads(answer["body"]))
            references[query] = {"answer": answer, "ids": ids, "matched": matched}
            log(f"  {query}: {len(ids):,} items, {answer['uncompressed_bytes']:,} bytes "
                f"({answer['sent_bytes']:,} sent as {answer['content_encoding']}) in {answer['seconds']:.2f} s")  # fmt: skip
        whole = json.loads(references["whole map (GeoJSON)"]["answer"]["body"])
        site_count = len(whole["features"])

        static_dir = RESULTS_DIR / f"static-{scale}"
        static_dir.mkdir(parents=True, exist_ok=True)
        index = {}
        for query, (url_path, filename, content_type) in STATIC_FILES.items():
            (static_dir / filename).write_bytes(references[query]["answer"]["body"])
            index[url_path] = {"file": filename, "content_type": content_type}
        (static_dir / "index.json").write_text(json.dumps(index, indent=2))

        peer = prepare_peer(scale, whole, site_count, static_dir, args)
        del whole
        result["pygeoapi_provider"] = peer["provider"]
        result["pygeoapi_filter"] = PEER_FILTER_NOTE
        peer_environment = dict(os.environ, **peer["env"])
        servers["pygeoapi"] = Server(f"{scale}-pygeoapi", PYGEOAPI_VENV / "bin" / "gunicorn", "pygeoapi.flask_app:APP",
                                     peer_environment, args, BENCH_DIR, port=peer["port"])  # fmt: skip
        static_environment = dict(os.environ, BENCH_STATIC_DIR=str(static_dir))
        servers["static"] = Server(f"{scale}-static", PROJECT_BIN / "gunicorn", "static_app:application",
                                   static_environment, args, BENCH_DIR)  # fmt: skip
        servers["pygeoapi"].wait_ready("/collections/sites?f=json")
        servers["static"].wait_ready("/whole.geojson")
        for name, server in servers.items():
            result["targets"][name] = {"port": server.port, "command": " ".join(server.command)}

        paths = {
            "madini": MADINI_QUERIES,
            "pygeoapi": peer_queries(site_count),
            "static": {query: url_path for query, (url_path, _, _) in STATIC_FILES.items()},
        }
        for query, reference in references.items():
            answer = reference["answer"]
            targets = {name: {"path": paths[name][query], "rounds": []} for name in servers}
            targets["madini"].update(
                items_returned=len(reference["ids"]),
                items_matched=reference["matched"],
                content_type=answer["content_type"],
                content_encoding=answer["content_encoding"],
                sent_bytes=answer["sent_bytes"],
                uncompressed_bytes=answer["uncompressed_bytes"],
                same_items_as_madini=True,
            )
            result["queries"][query] = {"madini_single_request_seconds": round(answer["seconds"], 4),
                                        "targets": targets}  # fmt: skip

        for round_number in range(args.rounds):
            for query in MADINI_QUERIES:
                order = list(servers)
                shift = round_number % len(order)
                order = order[shift:] + order[:shift]
                for name in order:
                    measure_target(servers[name], name, query, args, result, references[query], round_number)
        summarise(result)
    finally:
        for server in servers.values():
            server.stop()
    if args.profile:
        result["profile"] = profile_madini(scale, environment)
    return result


def prepare_peer(scale, whole, site_count, static_dir, args):
    port = free_port()
    env = {
        "PYGEOAPI_BENCH_PORT": str(port),  # the server's URL in the links of every response
        "PYGEOAPI_BENCH_MAX_ITEMS": str(max(site_count, 100)),
        "PYGEOAPI_BENCH_DB": SCALES[scale]["peer_db"],
    }
    config_path = RESULTS_DIR / f"pygeoapi-{scale}.config.yml"
    openapi_path = RESULTS_DIR / f"pygeoapi-{scale}.openapi.yml"
    template = PYGEOAPI_TEMPLATE.read_text(encoding="utf-8")
    if not args.peer_geojson and ensure_postgis_available():
        log(f"loading {site_count:,} sites into a PostGIS table for pygeoapi ({SCALES[scale]['peer_db']})")
        started = time.perf_counter()
        load_peer_table(SCALES[scale]["peer_db"], whole["features"])
        _, postgis = server_versions()
        provider = {
            "name": "PostgreSQL",
            "detail": f"pygeoapi.provider.sql.PostgreSQLProvider over a PostGIS {postgis} table "
            "(one row per site, Madini's exported properties as columns; primary key pcode, GiST on geom, "
            "b-tree on province and presence; VACUUM ANALYZE)",
            "load_seconds": round(time.perf_counter() - started, 1),
        }
        config_path.write_text(template, encoding="utf-8")
    else:
        import yaml

        config = yaml.safe_load(template)
        config["resources"]["sites"]["providers"] = [
            {"type": "feature", "name": "GeoJSON", "data": str(static_dir / "whole.geojson"), "id_field": "pcode"}
        ]
        config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        provider = {
            "name": "GeoJSON",
            "detail": "pygeoapi.provider.geojson.GeoJSONProvider over the whole-map file "
            "(PostGIS was not available or --peer-geojson was given)",
        }
    log(f"pygeoapi provider: {provider['name']}")
    env["PYGEOAPI_CONFIG"] = str(config_path)
    env["PYGEOAPI_OPENAPI"] = str(openapi_path)
    subprocess.run(
        [str(PYGEOAPI_VENV / "bin" / "pygeoapi"), "openapi", "generate", str(config_path), "--output-file", str(openapi_path)],
        env=dict(os.environ, **env), check=True, capture_output=True,
    )  # fmt: skip
    return {"provider": provider, "env": env, "port": port}


def record_response(entry, captured, reference, result, name, query):
    """Sizes and content of one response of a target, checked against Madini's answer."""
    status, headers, body = captured
    encoding = headers.get("content-encoding", "")
    raw = decode_body(body, encoding)
    entry.update(
        status_of_checked_response=status,
        content_type=headers.get("content-type", ""),
        content_encoding=encoding or "identity",
        sent_bytes=len(body),
        uncompressed_bytes=len(raw),
    )
    try:
        ids, matched = item_ids(json.loads(raw))
    except ValueError:
        ids, matched = None, None
    entry["items_returned"] = len(ids) if ids is not None else None
    entry["items_matched"] = matched
    same = ids == reference["ids"] and (matched is None or reference["matched"] is None or matched == reference["matched"])
    entry["same_items_as_madini"] = same
    if not same:
        result["equivalent"] = False
        log(f"  WARNING {query}: {name} does not answer the same sites as madini "
            f"({entry['items_returned']} items, matched {matched}; madini {len(reference['ids'])}, "
            f"{reference['matched']}): its numbers are not comparable")  # fmt: skip


def measure_target(server, name, query, args, result, reference, round_number):
    entry = result["queries"][query]["targets"][name]
    path = entry["path"]
    capture = "items_returned" not in entry
    # Warm up (caches, connections, lazy imports) unless one request is already long: then its
    # own work dwarfs any warm-up effect, and the budget goes to the measurement.
    if round_number == 0 and reference["answer"]["seconds"] < args.warmup:
        *_, captured = run_load(server.port, path, args.concurrency, args.warmup, args.request_timeout, capture)
        if captured:
            record_response(entry, captured, reference, result, name, query)
            capture = False
    load_before = os.getloadavg()[0]
    cpu_before = server.cpu_seconds()
    seconds = args.seconds / args.rounds
    samples, errors, wall, captured = run_load(server.port, path, args.concurrency, seconds, args.request_timeout, capture)
    cpu = server.cpu_seconds() - cpu_before
    if captured:
        record_response(entry, captured, reference, result, name, query)
    entry["rounds"].append(
        {
            "wall_seconds": wall,
            "latencies": [round(latency, 5) for latency, _, _ in samples],
            "statuses": dict(collections.Counter(status for _, status, _ in samples)),
            "ok": sum(1 for _, status, _ in samples if status == 200),
            "body_bytes": [size for _, _, size in samples],
            "errors": dict(errors),
            "server_cpu_seconds": cpu,
            "loadavg_1min_before": load_before,
            "loadavg_1min_after": os.getloadavg()[0],
        }
    )
    ok = sum(1 for _, status, _ in samples if status == 200)
    log(f"  round {round_number + 1} {query:28s} {name:9s} {ok:6d} ok in {wall:6.1f} s = {ok / wall:9.2f} req/s"
        f"  (load {load_before:.1f})")  # fmt: skip


def summarise(result):
    for query, query_entry in result["queries"].items():
        for name, entry in query_entry["targets"].items():
            rounds = entry.pop("rounds")
            latencies = [latency for one in rounds for latency in one["latencies"]]
            statuses = collections.Counter()
            errors = collections.Counter()
            for one in rounds:
                statuses.update({int(key): value for key, value in one["statuses"].items()})
                errors.update(one["errors"])
            ok = statuses.get(200, 0)
            wall = sum(one["wall_seconds"] for one in rounds)
            sizes = [size for one in rounds for size in one["body_bytes"]]
            cpu = sum(one["server_cpu_seconds"] for one in rounds)
            entry.update(
                requests_ok=ok,
                statuses=dict(statuses),
                client_errors=dict(errors),
                wall_seconds=round(wall, 2),
                requests_per_second=round(ok / wall, 3) if wall else 0.0,
                latency_p50_ms=round(1000 * percentile(latencies, 0.5), 2) if latencies else None,
                latency_p95_ms=round(1000 * percentile(latencies, 0.95), 2) if latencies else None,
                transferred_bytes_mean=round(statistics.fmean(sizes)) if sizes else None,
                # What the target sent per request during the load: the number compared. (A cache
                # entry's first Brotli copy may be a quick one, replaced seconds later by the best.)
                sent_bytes_median=round(statistics.median(sizes)) if sizes else None,
                server_cpu_ms_per_request=round(1000 * cpu / ok, 2) if ok else None,
                loadavg_1min=[round(one["loadavg_1min_before"], 2) for one in rounds],
                rounds_requests_per_second=[round(one["ok"] / one["wall_seconds"], 3) for one in rounds],
            )
        targets = query_entry["targets"]
        madini, peer, floor = targets["madini"], targets["pygeoapi"], targets["static"]
        query_entry["ratios"] = {
            "madini_over_pygeoapi_throughput": ratio(madini["requests_per_second"], peer["requests_per_second"]),
            "madini_over_pygeoapi_sent_bytes": ratio(madini["sent_bytes_median"], peer["sent_bytes_median"]),
            "madini_over_pygeoapi_uncompressed_bytes": ratio(madini["uncompressed_bytes"], peer["uncompressed_bytes"]),
            "madini_over_static_throughput": ratio(madini["requests_per_second"], floor["requests_per_second"]),
        }


def ratio(numerator, denominator):
    if not numerator or not denominator:
        return None
    return float(f"{numerator / denominator:.4g}")


def profile_madini(scale, environment):
    log("profiling Madini's whole-map GeoJSON and the filtered JSON in-process (cProfile)")
    out = RESULTS_DIR / f"profile-{scale}.json"
    paths = [MADINI_QUERIES["whole map (GeoJSON)"], MADINI_QUERIES["filtered (JSON, limit=100)"]]
    completed = subprocess.run(
        [str(PROJECT_PYTHON), str(BENCH_DIR / "profile_sites_geojson.py"), "--out", str(out),
         *(["--once"] if scale == "100x" else []), *paths],
        env=environment, cwd=REPO_DIR, capture_output=True, text=True,
    )  # fmt: skip
    print(completed.stdout)
    if completed.returncode:
        print(completed.stderr[-3000:])
        return {"error": completed.stderr[-3000:]}
    return {"file": str(out), **json.loads(out.read_text())}


# --- output ---------------------------------------------------------------------------------------------


def fmt_bytes(value):
    if value is None:
        return "-"
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000


def fmt(value, pattern="{:.2f}"):
    return "-" if value is None else pattern.format(value)


def print_report(result):
    scale = result["scale"]
    print()
    print(f"== scale {scale}: madini db {result['madini_data']['database']}; "
          f"pygeoapi provider: {result['pygeoapi_provider']['name']} — {result['pygeoapi_provider']['detail']}")  # fmt: skip
    imported = result["madini_data"].get("import")
    previous = result["madini_data"].get("previous_import")
    if imported:
        print(f"   import: {imported['rows']:,} rows in {imported['seconds']} s = {imported['rows_per_second']:,} rows/s")
    elif previous:
        print(f"   database reused; its import ({previous.get('finished', '?')}): {previous['rows']:,} rows in "
              f"{previous['seconds']} s = {previous['rows_per_second']:,} rows/s")
    if result["madini_data"].get("analyze"):
        print(f"   VACUUM ANALYZE before serving: {result['madini_data']['analyze']}")
    header = (f"{'query':28s} {'target':9s} {'items':>7s} {'same':>4s} {'req/s':>9s} {'p50 ms':>9s} {'p95 ms':>9s} "
              f"{'sent':>9s} {'as':>8s} {'raw':>9s} {'cpu ms/r':>9s} {'n':>6s} {'err':>4s}")  # fmt: skip
    print(header)
    print("-" * len(header))
    for query, query_entry in result["queries"].items():
        for name, entry in query_entry["targets"].items():
            failures = sum(v for k, v in entry["statuses"].items() if k != 200) + sum(entry["client_errors"].values())
            print(
                f"{query:28s} {name:9s} {fmt(entry.get('items_returned'), '{:d}'):>7s} "
                f"{'yes' if entry.get('same_items_as_madini') else 'NO':>4s} "
                f"{fmt(entry['requests_per_second'], '{:.4g}'):>9s} "
                f"{fmt(entry['latency_p50_ms'], '{:.1f}'):>9s} {fmt(entry['latency_p95_ms'], '{:.1f}'):>9s} "
                f"{fmt_bytes(entry.get('sent_bytes_median')):>9s} {entry.get('content_encoding', '-'):>8s} "
                f"{fmt_bytes(entry.get('uncompressed_bytes')):>9s} "
                f"{fmt(entry['server_cpu_ms_per_request'], '{:.1f}'):>9s} {entry['requests_ok']:6d} {failures:4d}"
            )
        ratios = query_entry["ratios"]
        print(
            f"{'':28s} madini/pygeoapi: throughput {fmt(ratios['madini_over_pygeoapi_throughput'], '{:.3g}')}x "
            f"(target >= 3), bytes sent {fmt(ratios['madini_over_pygeoapi_sent_bytes'], '{:.3g}')} (target <= 0.5), "
            f"raw bytes {fmt(ratios['madini_over_pygeoapi_uncompressed_bytes'], '{:.3g}')}; "
            f"madini/static throughput {fmt(ratios['madini_over_static_throughput'], '{:.3g}')}; "
            f"one madini request alone {query_entry['madini_single_request_seconds']:.3f} s"
        )
    print("   req/s: completed 200s / wall time of the load (requests under way at the end are waited for);")
    print(f"   sent/as/raw: body bytes as sent to Accept-Encoding: {ACCEPT_ENCODING} (median over the load), "
          "their Content-Encoding, and decoded")
    print("   (headers not counted); same: the same sites as madini's answer;")
    print("   cpu ms/r: CPU of the gunicorn master and workers per request (PostgreSQL not included).")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=["real", "100x", "both"], default="real")
    parser.add_argument("--seconds", type=float, default=10.0, help="load per query and target (default 10)")
    parser.add_argument("--concurrency", type=int,
                        help="client threads, the same for every target (default 4 at real scale, 2 at 100x)")
    parser.add_argument("--rounds", type=int,
                        help="split each load into this many slices, interleaving the targets "
                        "(default 2 at real scale, 1 at 100x)")
    parser.add_argument("--warmup", type=float, default=2.0, help="warm-up load per query and target, seconds")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers for every target")
    parser.add_argument("--threads", type=int, default=2, help="gunicorn threads per worker (gthread)")
    parser.add_argument("--request-timeout", type=int, default=1800, help="gunicorn and client timeout, seconds")
    parser.add_argument("--sites-100x", type=int, default=100 * REAL_SITES, help="generated sites at 100x")
    parser.add_argument("--seed", type=int, default=2009)
    parser.add_argument("--reuse-db", action="store_true",
                        help="keep an existing Madini bench database instead of re-importing (no import timing)")
    parser.add_argument("--no-analyze", action="store_true",
                        help="do not VACUUM ANALYZE Madini's database after the import (the peer's table always is)")
    parser.add_argument("--peer-geojson", action="store_true", help="give pygeoapi its GeoJSON provider, not PostGIS")
    parser.add_argument("--pygeoapi-python", help="interpreter for bench/.venv-pygeoapi (3.12+)")
    parser.add_argument("--profile", action="store_true", help="profile Madini's endpoints in-process afterwards")
    args = parser.parse_args(argv)
    if (args.concurrency is not None and args.concurrency < 1) or args.seconds <= 0 or (args.rounds or 1) < 1:
        parser.error("--concurrency, --seconds and --rounds must be positive")
    return args


SCALE_DEFAULTS = {"real": {"concurrency": 4, "rounds": 2}, "100x": {"concurrency": 2, "rounds": 1}}


def args_for_scale(args, scale):
    """At 100x one whole-map request takes minutes: fewer client threads and one round keep the run bounded."""
    resolved = argparse.Namespace(**vars(args))
    for name, value in SCALE_DEFAULTS[scale].items():
        if getattr(resolved, name) is None:
            setattr(resolved, name, value)
    return resolved


def main(argv=None):
    args = parse_args(argv)
    ensure_project_gunicorn()
    pygeoapi_python = ensure_pygeoapi_venv(args.pygeoapi_python)
    postgres, postgis = server_versions()
    run = {
        "started": datetime.datetime.now().isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "settings": {key: value for key, value in vars(args).items()},
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "loadavg_at_start": os.getloadavg(),
            "note": "other processes may share this machine: see loadavg per measurement",
        },
        "versions": {
            "madini_python": platform.python_version(),
            "django": package_version(PROJECT_PYTHON, "django"),
            "djangorestframework": package_version(PROJECT_PYTHON, "djangorestframework"),
            "gunicorn_madini_and_static": package_version(PROJECT_PYTHON, "gunicorn"),
            "pygeoapi_python": python_version(pygeoapi_python),
            "pygeoapi": package_version(pygeoapi_python, "pygeoapi"),
            "gunicorn_pygeoapi": package_version(pygeoapi_python, "gunicorn"),
            "postgresql": postgres,
            "postgis": postgis,
        },
        "scales": [],
    }
    log(f"versions: {run['versions']}")
    scales = ["real", "100x"] if args.scale == "both" else [args.scale]
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = RESULTS_DIR / f"sites_api-{args.scale}-{stamp}.json"
    for scale in scales:
        started = time.perf_counter()
        scale_args = args_for_scale(args, scale)
        log(f"scale {scale}: concurrency {scale_args.concurrency}, {scale_args.seconds:g} s per query and target "
            f"in {scale_args.rounds} round(s), gunicorn {args.workers} workers x {args.threads} threads (gthread)")
        result = measure_scale(scale, scale_args, pygeoapi_python)
        result["settings"] = {"concurrency": scale_args.concurrency, "rounds": scale_args.rounds}
        result["total_seconds"] = round(time.perf_counter() - started, 1)
        run["scales"].append(result)
        out.write_text(json.dumps(run, indent=2, default=str), encoding="utf-8")
    for result in run["scales"]:
        print_report(result)
        print(f"   ({result['total_seconds']} s for this scale)")
    print(f"\nresults: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
