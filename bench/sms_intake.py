"""SMS intake benchmark: inbound messages per second and latency through the real webhook, against
a baseline measured in the same run on the same server, settings and database.

- Madini: Africa's Talking's inbound callback, POST /sms/<channel>/receive?secret=…, form-encoded as
  AT sends it. The message is stored (reporter pseudonymised, payload redacted) and its processing
  scheduled with django-tasks' database backend, as in production (sms.scheduling: a task due just
  after it, shared with the messages a process stores in the next half second); no worker runs, so
  this measures intake only, which is what the gateway waits for.
- Baseline: a bare Django view on the same server that stores the same POST with one INSERT (an ORM
  create of a one-table model: message id, text, time) and answers 200.

Both run in one gunicorn (sync workers) with DEBUG off and the production settings (SECRET_KEY,
ALLOWED_HOSTS, DATABASE_URL, keys from the environment), except the webhook throttle
(MADINI_SMS_WEBHOOK_RATE), raised so that a load test is not answered 429. SQLite is a file in WAL
mode: one writer at a time, whatever the number of workers. PostgreSQL: madini_bench_sms, recreated.

The client is bounded: a fixed number of requests per round from a fixed number of threads
(http.client, a connection per request as gunicorn's sync workers close it), unique message ids,
senders drawn from a pool of reporters who all wrote once during the warm-up. Rounds alternate
baseline and Madini; throughput is the median over rounds, latency percentiles pool all rounds, and
the ratio Madini/baseline is the median of the rounds' ratios (each round's pair ran back to back).
The server's CPU time per message (gunicorn master and workers, from /proc) gives the same ratio in
CPU, steadier when other work shares the machine.

    .venv/bin/pip install gunicorn          # for the benchmark only, not a project dependency
    .venv/bin/python bench/sms_intake.py [--databases sqlite postgresql] [--requests 500] [--rounds 10]
        [--concurrency 8] [--workers 2] [--profile]

Results are printed and written to bench/results/sms_intake-<time>.json. --profile also runs
messages in-process under cProfile and reports the queries and functions where a request spends
its time. The file is also the benchmark server's WSGI module (`gunicorn 'sms_intake:server()'`).
"""

import argparse
import collections
import datetime
import functools
import http.client
import itertools
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
GUNICORN = Path(sys.executable).with_name("gunicorn")
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/madini_bench_sms"
CHANNEL_NUMBER = "+243990000100"  # fake
SENDER_POOL = 200  # fake reporters +243 99 100 0000 …, each writes once in the warm-up
TEXTS = ["Kufatilia", "1", "2", "Jana", "Mukungwe karibu na Walungu", "Shimo limeanguka, watu watatu wameumia", "3"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--databases", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"])
    parser.add_argument("--requests", type=int, default=500, help="requests per target and round")
    parser.add_argument("--rounds", type=int, default=10, help="rounds, each target once a round, in alternating order")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads, the same for both targets")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn sync workers")
    parser.add_argument("--profile", action="store_true", help="also profile intake in-process")
    options = parser.parse_args()
    if not GUNICORN.exists():
        parser.error(f"gunicorn is not installed next to {sys.executable}: {GUNICORN.with_name('pip')} install gunicorn")

    results = {
        "benchmark": "sms_intake",
        "started_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0], "load_average_before": os.getloadavg()},
        "load": {key: getattr(options, key) for key in ("requests", "rounds", "concurrency", "workers")},
        "databases": {},
    }
    for database in options.databases:
        with tempfile.TemporaryDirectory(prefix="madini-bench-sms-") as home:
            env = server_environment(database, Path(home))
            results["databases"][database] = run_database(database, env, options)
            if options.profile:
                results["databases"][database]["profile"] = run_child("profile", env)
    results["machine"]["load_average_after"] = os.getloadavg()
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"sms_intake-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(results, indent=2))
    print_table(results)
    print(f"\nWritten to {path.relative_to(REPO_DIR)}")


def server_environment(database, home):
    from cryptography.fernet import Fernet

    if database == "postgresql":
        recreate_postgres_database()
    (home / "staticfiles").mkdir()  # as collectstatic leaves it in production (whitenoise looks for it)
    env = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "DATABASE_URL"}}
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=POSTGRES_URL if database == "postgresql" else f"sqlite:///{home / 'madini.sqlite3'}",
        MADINI_HOME=str(home),
        MADINI_TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        MADINI_PSEUDONYM_KEY=secrets.token_urlsafe(32),
        MADINI_NUMBER_KEYS=Fernet.generate_key().decode(),
        MADINI_SMS_WEBHOOK_RATE="1000000/minute",
        DJANGO_SETTINGS_MODULE="madini.settings",
        PYTHONPATH=os.pathsep.join(filter(None, [str(BENCH_DIR), os.environ.get("PYTHONPATH")])),
    )
    return env


def recreate_postgres_database():
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS madini_bench_sms WITH (FORCE)")
        admin.execute("CREATE DATABASE madini_bench_sms")


def run_database(database, env, options):
    setup = run_child("prepare", env)
    port = free_port()
    env = {**env, "MADINI_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"}
    madini_path = f"/sms/{setup['channel_uuid']}/receive?{urlencode({'secret': setup['secret']})}"
    targets = {"baseline": "/bench/baseline", "madini": madini_path}
    server = subprocess.Popen(
        [str(GUNICORN), "--workers", str(options.workers), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "sms_intake:server()"],
        env=env,
        cwd=REPO_DIR,
    )
    try:
        wait_for_port(port)
        messages = message_bodies()
        senders = [sender(number) for number in range(SENDER_POOL)]
        for path in targets.values():  # warm-up: every worker loaded, every reporter known
            outcome = run_load(port, path, [next(messages) | {"from": number} for number in senders], options.concurrency)
            assert not outcome["errors"], f"warm-up failed: {outcome['errors'][:3]}"
        rounds = {name: [] for name in targets}
        for round_number in range(options.rounds):
            order = list(targets) if round_number % 2 == 0 else list(reversed(targets))
            for name in order:
                bodies = [next(messages) | {"from": senders[index % SENDER_POOL]} for index in range(options.requests)]
                cpu_before = server_cpu_seconds(server.pid)
                outcome = run_load(port, targets[name], bodies, options.concurrency)
                outcome["server_cpu_seconds"] = server_cpu_seconds(server.pid) - cpu_before
                rounds[name].append(outcome)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    stored = run_child("count", env)
    sent = SENDER_POOL + options.rounds * options.requests
    assert (stored["madini"], stored["baseline"]) == (sent, sent), f"stored {stored}, expected {sent} of each"
    assert stored["processing_due_after_last_message"], f"no processing task is due after the last message: {stored}"
    summary = {name: summarise(outcomes) for name, outcomes in rounds.items()}
    # Each round's pair ran back to back, so their ratio is the least disturbed by other load on the machine.
    paired = [
        madini / baseline
        for madini, baseline in zip(summary["madini"]["msgs_per_s_rounds"], summary["baseline"]["msgs_per_s_rounds"])
    ]
    summary["ratio"] = round(statistics.median(paired), 3)
    summary["ratio_rounds"] = [round(ratio, 3) for ratio in paired]
    # The same comparison in server CPU per message (what a machine of one's own would be limited by).
    summary["cpu_ratio"] = round(
        summary["baseline"]["server_cpu_ms_per_request"] / summary["madini"]["server_cpu_ms_per_request"], 3
    )
    summary["stored"] = stored
    return summary


def message_bodies():
    """Africa's Talking inbound callbacks (fields of AT's "Incoming messages" docs), each with a new id."""
    for number in itertools.count():
        yield {
            "to": CHANNEL_NUMBER,
            "text": TEXTS[number % len(TEXTS)],
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "id": f"ATXid_{uuid.uuid4().hex}",
            "linkId": "",
            "networkCode": "63001",
        }


def sender(number):
    return f"+24399{1000000 + number}"


def run_load(port, path, bodies, concurrency):
    """POST every body to path from `concurrency` threads; wall time, latencies and errors."""
    work = iter(bodies)
    lock = threading.Lock()
    latencies, errors = [], []

    def client():
        while True:
            with lock:
                body = next(work, None)
            if body is None:
                return
            encoded = urlencode(body).encode()
            started = time.perf_counter()
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                connection.request("POST", path, encoded, {"Content-Type": "application/x-www-form-urlencoded"})
                response = connection.getresponse()
                response.read()
                connection.close()
            except OSError as error:
                errors.append(repr(error))
                continue
            elapsed = time.perf_counter() - started
            if response.status == 200:
                latencies.append(elapsed)
            else:
                errors.append(f"HTTP {response.status}")

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"seconds": time.perf_counter() - started, "latencies": latencies, "errors": errors}


def summarise(outcomes):
    latencies = sorted(itertools.chain.from_iterable(outcome["latencies"] for outcome in outcomes))
    per_round = [len(outcome["latencies"]) / outcome["seconds"] for outcome in outcomes]
    return {
        "msgs_per_s": round(statistics.median(per_round), 1),
        "msgs_per_s_rounds": [round(rate, 1) for rate in per_round],
        "p50_ms": round(percentile(latencies, 50) * 1000, 1),
        "p99_ms": round(percentile(latencies, 99) * 1000, 1),
        "server_cpu_ms_per_request": round(
            1000 * sum(outcome["server_cpu_seconds"] for outcome in outcomes) / max(len(latencies), 1), 2
        ),
        "requests": len(latencies),
        "errors": sum(len(outcome["errors"]) for outcome in outcomes),
    }


def percentile(sorted_values, percent):
    index = max(0, min(len(sorted_values) - 1, round(percent / 100 * len(sorted_values)) - 1))
    return sorted_values[index]


def print_table(results):
    machine = results["machine"]
    load_average = machine["load_average_before"][0]
    print(f"\nSMS intake, {results['load']} on {machine['cpus']} CPUs, load average {load_average:.1f} before")
    print(f"{'database':<11} {'target':<9} {'msgs/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'cpu ms':>7} {'errors':>6}  ratio")
    for database, summary in results["databases"].items():
        for name in ("baseline", "madini"):
            row = summary[name]
            ratio = f"{summary['ratio']:.0%} (cpu {summary['cpu_ratio']:.0%})" if name == "madini" else ""
            print(
                f"{database:<11} {name:<9} {row['msgs_per_s']:>8} {row['p50_ms']:>7} {row['p99_ms']:>7} "
                f"{row['server_cpu_ms_per_request']:>7} {row['errors']:>6}  {ratio}"
            )
        stored = summary["stored"]
        print(f"  {stored['madini']} messages stored, {stored['tasks']} processing tasks written for them")
        for line in summary.get("profile", {}).get("lines", []):
            print(f"  {line}")


def server_cpu_seconds(master_pid):
    """CPU time (user and system) of gunicorn's master and workers so far, from /proc; the database
    server's own CPU is not in it. Steadier than throughput when other work shares the machine."""
    ticks = os.sysconf("SC_CLK_TCK")
    pids = [master_pid, *map(int, Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split())]
    seconds = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except FileNotFoundError:  # a worker that has just exited
            continue
        seconds += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return seconds


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the benchmark server did not listen on port {port} within {seconds} s")


def run_child(step, env):
    """Run a step that needs Django configured from `env` in a process of its own; its JSON answer."""
    done = subprocess.run([sys.executable, __file__, step], env=env, cwd=REPO_DIR, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{step} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# Steps run in a child process, with Django configured from the environment.


def prepare():
    from django.core.management import call_command
    from django.db import connection

    from madini.sms.gateways.base import new_shared_secret
    from madini.sms.models import Channel

    call_command("migrate", verbosity=0)
    with connection.schema_editor() as editor:
        editor.create_model(baseline_model())
    channel = Channel.objects.create(
        name="Benchmark", gateway="africastalking", number=CHANNEL_NUMBER, country_code="CD",
        secret=new_shared_secret(), config={"username": "bench", "api_key": "bench"},
    )
    return {"channel_uuid": str(channel.uuid), "secret": channel.secret}


def count():
    """Rows stored, and whether a processing task is due after the last message stored (a task
    answers every message waiting when it runs, so that one finds them all)."""
    from django.db.models import Max
    from django_tasks_db.models import DBTaskResult

    from madini.sms.models import InboundMessage
    from madini.sms.tasks import process_waiting

    last_message = InboundMessage.objects.aggregate(last=Max("received_at"))["last"]
    last_task = DBTaskResult.objects.filter(task_path=process_waiting.module_path).aggregate(last=Max("run_after"))["last"]
    return {
        "madini": InboundMessage.objects.count(),
        "baseline": baseline_model().objects.count(),
        "tasks": DBTaskResult.objects.count(),
        "processing_due_after_last_message": last_task is not None and last_task > last_message,
    }


def profile(messages=300):
    """Intake in-process under cProfile, after a warm-up: per message, the time, the queries, the
    time in the database (statements, commits) and the costliest functions."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from madini.sms.models import Channel

    channel = Channel.objects.get(name="Benchmark")
    paths = {
        "baseline": "/bench/baseline",
        "madini": f"/sms/{channel.uuid}/receive?{urlencode({'secret': channel.secret})}",
    }
    server()
    client = Client(SERVER_NAME="127.0.0.1")
    bodies = message_bodies()
    report = {"lines": []}
    for name, path in paths.items():
        for number in range(SENDER_POOL):
            post(client, path, next(bodies) | {"from": sender(number)})
        with CaptureQueriesContext(connection) as queries:
            response = post(client, path, next(bodies) | {"from": sender(0)})
        assert response.status_code == 200, f"{name} answered {response.status_code}"
        statements = [query["sql"][:100] for query in queries.captured_queries]
        statement_seconds = collections.Counter()

        def timed(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                statement_seconds[statement_kind(sql)] += time.perf_counter() - started

        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for number in range(messages):
            with connection.execute_wrapper(timed):
                post(client, path, next(bodies) | {"from": sender(number % SENDER_POOL)})
        profiler.disable()
        total = (time.perf_counter() - started) / messages * 1000
        stats = pstats.Stats(profiler)
        per_message = {
            "ms": round(total, 2),
            "statements_ms": round(sum(statement_seconds.values()) / messages * 1000, 2),
            "statement_ms": {
                kind: round(seconds / messages * 1000, 3) for kind, seconds in statement_seconds.most_common()
            },
            "commit_ms": round(cumulative_ms(stats, "base/base.py", "_commit") / messages, 2),
            "queries": statements,
        }
        report[name] = per_message
        report["lines"].append(
            f"{name}: {per_message['ms']} ms a message in-process (profiled); in the database: statements "
            f"{per_message['statements_ms']} ms, commits {per_message['commit_ms']} ms; {len(statements)} queries:"
        )
        report["lines"].extend(f"    {statement}" for statement in per_message["queries"])
        report["lines"].extend(f"    {ms:6.3f} ms  {kind}" for kind, ms in per_message["statement_ms"].items())
        report["lines"].extend(top_functions(stats, messages))
    return report


def statement_kind(sql):
    """"INSERT sms_inboundmessage", "SELECT sms_reporter", "SAVEPOINT" …: a statement without its values."""
    words = sql.replace('"', "").split()
    verb = words[0].upper()
    table = next((word for before, word in zip(words, words[1:]) if before.upper() in {"INTO", "FROM", "UPDATE"}), "")
    return f"{verb} {table}".strip()


def post(client, path, body):
    return client.post(path, urlencode(body), content_type="application/x-www-form-urlencoded")


def cumulative_ms(stats, file_suffix, function_name):
    return 1000 * sum(
        timing[3]
        for function, timing in stats.stats.items()
        if function[0].endswith(file_suffix) and function[2] == function_name
    )


def top_functions(stats, messages):
    """Per message, the project's functions by cumulative time, then any function by its own time."""
    rows = stats.stats.items()
    ours = sorted((row for row in rows if "/madini/" in row[0][0]), key=lambda row: row[1][3], reverse=True)
    anywhere = sorted(rows, key=lambda row: row[1][2], reverse=True)
    return [
        f"    {kind} {timing[index] / messages * 1000:6.3f} ms  {Path(function[0]).name}:{function[1]} {function[2]}"
        for kind, index, selection, count in (("cumulative", 3, ours, 16), ("own       ", 2, anywhere, 8))
        for function, timing in selection[:count]
    ]


# The benchmark server: `gunicorn 'sms_intake:server()'`.


def server():
    """The project's WSGI application, configured by the environment, with the baseline's URL added."""
    global urlpatterns
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application
    from django.urls import include, path

    application = get_wsgi_application()
    if settings.ROOT_URLCONF != __name__:
        urlpatterns = [path("bench/baseline", baseline), path("", include(settings.ROOT_URLCONF))]
        settings.ROOT_URLCONF = __name__
    return application


@csrf_exempt  # as the webhook is: gateways post without a CSRF token
def baseline(request):
    baseline_model().objects.create(message_id=request.POST["id"], text=request.POST["text"], received_at=timezone.now())
    return HttpResponse("ok")


@functools.cache
def baseline_model():
    """A one-table model for the baseline, unmanaged: prepare() creates its table."""
    from django.db import models

    class BaselineMessage(models.Model):
        message_id = models.CharField(max_length=100, unique=True)
        text = models.TextField()
        received_at = models.DateTimeField()

        class Meta:
            app_label = "sms"
            db_table = "bench_baseline_message"
            managed = False

    return BaselineMessage


STEPS = {"prepare": prepare, "count": count, "profile": profile}

if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in STEPS:
        import django

        django.setup()
        print(json.dumps(STEPS[sys.argv[1]]()))
    else:
        main()
