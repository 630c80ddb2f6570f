"""How a stored inbound message gets processed, at the cost of one INSERT per message.

With a task backend that can run a task later (django-tasks' database backend, as in production),
a message has no task of its own. One task, tasks.process_waiting, answers every message still
waiting when it runs, and each web process keeps one scheduled a moment ahead of the messages it
stores:

- while this process's task is due more than RENEW_WITHIN from now, a message is one INSERT,
  committed at once, and that task, which cannot start before it is due, will find it;
- otherwise the message and a new task, due AHEAD from now, are stored in one transaction.

So no message is stored without a task due after its commit, and a retry, which stores nothing,
schedules nothing. A message is answered at most AHEAD later than with a task of its own, and a
busy process writes a task every AHEAD - RENEW_WITHIN, whatever the number of messages.

MARGIN allows for a clock difference between the web and worker machines: a message committed
less than MARGIN before the task ahead is due (its INSERT took longer than RENEW_WITHIN - MARGIN)
schedules a task at once, after its commit. A task backend that runs tasks at once (tests,
development) gets a task per message, after its commit.
"""

import contextlib
import datetime
import logging
from functools import partial

from django.db import DatabaseError, transaction
from django.utils import timezone

AHEAD = datetime.timedelta(seconds=1)
RENEW_WITHIN = datetime.timedelta(milliseconds=500)
MARGIN = datetime.timedelta(milliseconds=250)

logger = logging.getLogger(__name__)


def store_for_processing(insert):
    """Run `insert()`, which INSERTs one inbound message and returns it, so that a task processes
    the message once it is committed. Raises what `insert()` raises (IntegrityError for a retry),
    and then nothing is stored or scheduled."""
    from madini.sms.tasks import process_inbound

    if not process_inbound.get_backend().supports_defer:
        return _store_with_a_task_after_commit(insert)
    if _task_ahead.covers(timezone.now(), RENEW_WITHIN) and not transaction.get_connection().in_atomic_block:
        message = insert()  # autocommit: committed when it returns
    else:
        message = _store_with_a_new_task_ahead(insert)
    transaction.on_commit(_schedule_task_unless_covered, robust=True)
    return message


def _store_with_a_task_after_commit(insert):
    from madini.sms.tasks import process_inbound

    # In an enclosing transaction (multipart messages), a savepoint keeps a retry from breaking it.
    with transaction.atomic() if transaction.get_connection().in_atomic_block else contextlib.nullcontext():
        message = insert()
    # robust: a failure to enqueue is logged, never an error for the gateway (`madini sms replay`).
    transaction.on_commit(partial(process_inbound.enqueue, message.id), robust=True)
    return message


def _store_with_a_new_task_ahead(insert):
    with transaction.atomic():
        message = insert()
        due_at = _schedule_task_in_transaction(timezone.now() + AHEAD)
        transaction.on_commit(partial(_task_ahead.set, due_at))
    return message


class _TaskAhead:
    """When this process's latest processing task is due."""

    due_at = None

    def covers(self, moment, margin=MARGIN):
        return self.due_at is not None and self.due_at - moment > margin

    def set(self, due_at):
        self.due_at = due_at


_task_ahead = _TaskAhead()


def _schedule_task(due_at):
    from madini.sms.tasks import process_waiting

    process_waiting.using(run_after=due_at).enqueue()
    return due_at


def _schedule_task_in_transaction(due_at):
    try:
        return _schedule_task(due_at)
    except DatabaseError:
        raise  # the transaction is lost: nothing is stored, the gateway is answered 503 and retries
    except Exception:  # as robust as on_commit: the message is kept for the next task or `madini sms replay`
        logger.exception("Could not schedule the processing of inbound messages")
        return None


def _schedule_task_unless_covered():
    # Run once the message is committed: too close to the task ahead, which may then have started
    # without it, it needs a task of its own.
    if not _task_ahead.covers(timezone.now()):
        _schedule_task(timezone.now())


def forget_task_ahead():
    """Forget the task ahead (for tests, whose rolled-back task rows it would outlive)."""
    _task_ahead.set(None)
