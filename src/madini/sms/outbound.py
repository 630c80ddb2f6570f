"""The write path of outbound SMS: a queue sent by a background task, retried with backoff,
throttled per channel, and updated by the gateways' delivery reports.

A message is queued in the caller's transaction and its task enqueued once that commits; a sweep
(`madini sms send-queued`) sends whatever is due if a task was lost. The reporter's number is
decrypted only in memory for the gateway call, and never reaches a log line or a stored error.

A worker claims a message in a short transaction (the row locked, other workers skip it) by moving
its next attempt past a lease, then calls the gateway outside any transaction: no lock is held
during an HTTP call, which on SQLite would stop every other writer, inbound messages included.
Nothing is sent through an inactive channel: its messages stay queued until it is active again.
"""

import datetime
import enum
import logging
import random
from collections import Counter
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from madini.sms.anonymity import decrypt_number
from madini.sms.gateways.base import SendFailed, gateway_for, without_numbers
from madini.sms.models import Channel, OutboundMessage

logger = logging.getLogger(__name__)

FIRST_RETRY_SECONDS = 30
MAX_RETRY_SECONDS = 30 * 60
# A claimed message is due again after this, should its worker die during the gateway call.
SEND_LEASE = datetime.timedelta(minutes=10)
THROTTLE_WINDOW = datetime.timedelta(minutes=1)

Status = OutboundMessage.Status


class Outcome(enum.StrEnum):
    SENT = "sent"
    RETRYING = "retrying"
    FAILED = "failed"
    THROTTLED = "throttled"
    CHANNEL_INACTIVE = "channel inactive"
    AWAITING_DEVICE = "awaiting device"
    NOT_DUE = "not due"


def queue_message(channel, reporter, text, in_reply_to=None, incident=None):
    """Queue `text` for `reporter`; None when their number was erased, as there is no one to send to.

    One reply per inbound message: for an `in_reply_to` already answered (a replayed message),
    the reply queued the first time is returned and nothing new is sent.
    """
    if reporter.encrypted_number is None:
        logger.info("Nothing queued for %s on channel %s: their number was erased", reporter, channel.uuid)
        return None
    fields = {
        "channel": channel, "reporter": reporter, "text": text, "incident": incident, "next_attempt_at": timezone.now()
    }
    if in_reply_to is None:
        message = OutboundMessage.objects.create(**fields)
    else:
        # Two processings of one message at once are settled by the unique constraint on in_reply_to.
        message, created = OutboundMessage.objects.get_or_create(in_reply_to=in_reply_to, defaults=fields)
        if not created:
            return message
    # robust: the message is committed whatever happens to its task; the sweep sends it when due.
    transaction.on_commit(partial(_enqueue, message.id), robust=True)
    return message


@task()
def send_outbound(outbound_id):
    """Send one queued message if it is due; returns the Outcome (kept as the task's result)."""
    with transaction.atomic():
        now = timezone.now()
        message = (
            OutboundMessage.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("channel", "reporter")
            .filter(pk=outbound_id, status=Status.QUEUED, next_attempt_at__lte=now)
            .first()
        )
        if message is None:
            return Outcome.NOT_DUE
        if not message.channel.active:
            # Left queued as it is: once the channel is active again, the sweep sends it.
            return Outcome.CHANNEL_INACTIVE
        if message.reporter.encrypted_number is None:
            return _give_up(message, "the reporter's number was erased before the message could be sent")
        throttled_until = _throttled_until(message.channel, now)
        if throttled_until is not None:
            message.next_attempt_at = throttled_until
            message.save(update_fields=["next_attempt_at"])
            transaction.on_commit(partial(_enqueue, message.id, run_after=throttled_until), robust=True)
            return Outcome.THROTTLED
        number = decrypt_number(message.reporter.encrypted_number)
        # sent_at marks the hand-over to the gateway, so that messages in flight count against the throttle.
        message.sent_at = now
        message.next_attempt_at = now + SEND_LEASE
        message.save(update_fields=["sent_at", "next_attempt_at"])
    try:
        result = gateway_for(message.channel).send(number, message.text)
    except SendFailed as error:
        return _retry_or_give_up(message, _scrubbed(str(error), number), permanent=error.permanent)
    except Exception as error:  # whatever the SDK raises (network, timeout …), retrying may help
        return _retry_or_give_up(message, _scrubbed(f"{type(error).__name__}: {error}", number), permanent=False)
    in_flight = OutboundMessage.objects.filter(pk=message.pk, status=Status.QUEUED)
    if result.awaiting_device:
        in_flight.update(sent_at=None, next_attempt_at=None)
        return Outcome.AWAITING_DEVICE
    in_flight.update(status=Status.SENT, gateway_message_id=result.gateway_message_id, next_attempt_at=None, error="")
    return Outcome.SENT


def send_due_messages(limit=100):
    """Send the queued messages that are due, oldest first: those whose task was lost, or whose
    worker died during the gateway call. Returns how many ended in each Outcome.

    Messages of inactive channels wait, and are left out so as not to fill every sweep."""
    due = list(
        OutboundMessage.objects.filter(status=Status.QUEUED, next_attempt_at__lte=timezone.now(), channel__active=True)
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    return Counter(send_outbound.call(outbound_id) for outbound_id in due)


def apply_delivery_reports(channel, reports):
    """Mark the messages sent through `channel` delivered or failed, as the gateway reports.

    Returns how many reports marked a message delivered or failed, changed nothing (a report
    applied again, or an intermediate status such as "buffered"), or named no message of this
    channel ("unknown"). A delivered message stays delivered.
    """
    counts = Counter()
    now = timezone.now()
    for report in reports:
        messages = OutboundMessage.objects.filter(channel=channel, gateway_message_id=report.gateway_message_id)
        if not report.gateway_message_id:
            outcome = "unknown"
        elif report.delivered and messages.filter(status__in=[Status.SENT, Status.FAILED]).update(
            status=Status.DELIVERED, delivered_at=now, error=""
        ):
            outcome = "delivered"
        elif report.failed and messages.filter(status=Status.SENT).update(
            status=Status.FAILED, error=without_numbers(report.detail) or "the gateway could not deliver it"
        ):
            outcome = "failed"
        else:
            outcome = "unchanged" if messages.exists() else "unknown"
        counts[outcome] += 1
    if counts["unknown"]:
        logger.info("%s delivery report(s) on channel %s named no message it sent", counts["unknown"], channel.uuid)
    return counts


def retry_delay(attempts):
    """30 s after the first failed attempt, doubling up to 30 min; each within ±20 % so that messages
    that failed together (a gateway outage) do not all come back at the same second."""
    seconds = min(FIRST_RETRY_SECONDS * 2 ** (attempts - 1), MAX_RETRY_SECONDS)
    return datetime.timedelta(seconds=seconds * random.uniform(0.8, 1.2))


def _throttled_until(channel, now):
    """When the channel may send again, or None if it may send now.

    Beyond the limit, each message waiting goes to the next minute with room, so that a flood is
    spread over the following minutes instead of waking all at once every minute.
    """
    # Claims on one channel take turns, so that two workers never both take the last place in the minute.
    Channel.objects.select_for_update().filter(pk=channel.pk).first()
    limit = channel.max_outbound_per_minute
    handed_over = OutboundMessage.objects.filter(channel=channel, sent_at__gt=now - THROTTLE_WINDOW)
    if handed_over.count() < limit:
        return None
    oldest = handed_over.order_by("sent_at").values_list("sent_at", flat=True).first() or now
    waiting = OutboundMessage.objects.filter(
        channel=channel, status=Status.QUEUED, sent_at=None, next_attempt_at__gt=now
    ).count()
    return oldest + THROTTLE_WINDOW * (1 + waiting // max(limit, 1))


def _retry_or_give_up(message, error, permanent):
    message.attempts = attempts = message.attempts + 1
    if permanent or attempts >= settings.MADINI_SMS_SEND_MAX_ATTEMPTS:
        return _give_up(message, error)
    retry_at = timezone.now() + retry_delay(attempts)
    logger.warning(
        "Outbound message %s on channel %s, attempt %s failed, retrying at %s: %s",
        message.pk, message.channel.uuid, attempts, retry_at.isoformat(timespec="seconds"), error,
    )
    OutboundMessage.objects.filter(pk=message.pk, status=Status.QUEUED).update(
        attempts=attempts, error=error, sent_at=None, next_attempt_at=retry_at
    )
    transaction.on_commit(partial(_enqueue, message.pk, run_after=retry_at), robust=True)
    return Outcome.RETRYING


def _give_up(message, error):
    OutboundMessage.objects.filter(pk=message.pk, status=Status.QUEUED).update(
        status=Status.FAILED, attempts=message.attempts, error=error, sent_at=None, next_attempt_at=None
    )
    logger.warning(
        "Outbound message %s on channel %s failed for good after %s attempt(s): %s",
        message.pk, message.channel.uuid, message.attempts, error,
    )
    return Outcome.FAILED


def _enqueue(outbound_id, run_after=None):
    if run_after is None:
        send_outbound.enqueue(outbound_id)
    elif send_outbound.get_backend().supports_defer:
        send_outbound.using(run_after=run_after).enqueue(outbound_id)
    # else the backend cannot wait (ImmediateBackend): the sweep sends the message when it is due.


def _scrubbed(text, number):
    """An error text without the number, in case a provider quotes it (in any spelling)."""
    for form in (number, number.lstrip("+")):
        text = text.replace(form, "[number]")
    return without_numbers(text)
