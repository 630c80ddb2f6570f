"""Send the outbound messages that are due: a sweep for those whose task was lost (--loop: keep sweeping)."""

import time

from django.db import close_old_connections

from madini.sms.outbound import send_due_messages


def add_arguments(parser):
    parser.add_argument("--loop", action="store_true", help="sweep again every --interval seconds until interrupted")
    parser.add_argument("--interval", type=float, default=30, help="seconds between sweeps with --loop (default 30)")
    parser.add_argument("--limit", type=int, default=100, help="at most this many messages a sweep (default 100)")


def handle(options, stdout):
    try:
        while True:
            outcomes = send_due_messages(limit=options["limit"])
            if outcomes or not options["loop"]:
                stdout.write(_summary(outcomes))
            if not options["loop"]:
                return
            close_old_connections()
            if outcomes.total() < options["limit"]:  # a full sweep means more are due: go on at once
                time.sleep(options["interval"])
    except KeyboardInterrupt:
        stdout.write("Stopped.")


def _summary(outcomes):
    if not outcomes:
        return "No message is due."
    return f"{outcomes.total()} due: " + ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items())) + "."
