"""The write path of inbound SMS: nothing lost, nothing twice.

The messages of a callback are stored in one transaction (reporter pseudonymised, payload redacted,
parts joined) that commits before the gateway gets its 2xx. Processing is enqueued after the commit,
and only for a message stored for the first time: a gateway's retry finds the stored row and stops.
"""

import logging

from django.db import IntegrityError, transaction
from django.views.decorators.debug import sensitive_variables

from madini.sms.anonymity import InvalidNumber, redact_payload, reporter_for_number
from madini.sms.gateways.base import gateway_for
from madini.sms.models import InboundMessage, InboundPart, Reporter

logger = logging.getLogger(__name__)


@sensitive_variables()
def receive(channel, incoming_messages):
    """Store the IncomingMessages of one callback; return the InboundMessages they are or complete.

    A message delivered again returns the row stored the first time; a part of a longer message
    returns nothing until its last part arrives.
    """
    number_fields = gateway_for(channel).number_fields
    stored = []
    with transaction.atomic():
        for incoming in incoming_messages:
            try:
                reporter = reporter_for_number(incoming.sender, channel.country_code)
            except InvalidNumber:
                # An operator's or a service's alphanumeric sender: nobody to answer, nothing to report.
                logger.warning(
                    "Ignored message %s on channel %s: its sender is not a phone number",
                    incoming.gateway_message_id,
                    channel.uuid,
                )
                continue
            payload = redact_payload(incoming.raw_payload, number_fields, reporter)
            if incoming.total_parts > 1:
                message, created = _store_part(channel, reporter, incoming, payload)
            else:
                message, created = _store_message(
                    channel, reporter, incoming.gateway_message_id, incoming.text, payload, incoming.sent_at
                )
            if message is not None:
                stored.append(message)
            if created:
                # robust: a failure to enqueue is logged, never turned into an error for the gateway
                # (the message is committed; `madini sms replay` can process it).
                transaction.on_commit(lambda message_id=message.id: _enqueue_processing(message_id), robust=True)
    return stored


def _store_message(channel, reporter, gateway_message_id, text, payload, sent_at):
    """The message and whether it is new; the unique constraint settles concurrent deliveries."""
    try:
        with transaction.atomic():
            message = InboundMessage.objects.create(
                channel=channel,
                gateway_message_id=gateway_message_id,
                reporter=reporter,
                text=text,
                raw_payload=payload,
                sent_at=sent_at,
            )
        return message, True
    except IntegrityError:
        return InboundMessage.objects.get(channel=channel, gateway_message_id=gateway_message_id), False


@sensitive_variables()
def _store_part(channel, reporter, incoming, payload):
    # One reporter's parts are stored one transaction at a time, so the last to arrive sees the others.
    Reporter.objects.select_for_update().get(pk=reporter.pk)
    try:
        with transaction.atomic():
            InboundPart.objects.create(
                channel=channel,
                reporter=reporter,
                concat_ref=incoming.concat_ref,
                total_parts=incoming.total_parts,
                part_number=incoming.part_number,
                gateway_message_id=incoming.gateway_message_id,
                text=incoming.text,
                raw_payload=payload,
            )
    except IntegrityError:
        part = InboundPart.objects.select_related("message").get(
            channel=channel, gateway_message_id=incoming.gateway_message_id
        )
        return part.message, False
    waiting = list(
        InboundPart.objects.filter(
            channel=channel,
            reporter=reporter,
            concat_ref=incoming.concat_ref,
            total_parts=incoming.total_parts,
            message=None,
        ).order_by("part_number", "id")
    )
    by_number = {}
    for part in waiting:
        by_number.setdefault(part.part_number, part)
    if set(by_number) != set(range(1, incoming.total_parts + 1)):
        return None, False
    parts = [by_number[number] for number in sorted(by_number)]
    message, created = _store_message(
        channel,
        reporter,
        f"concat:{parts[0].gateway_message_id}",
        "".join(part.text for part in parts),
        {"parts": [part.raw_payload for part in parts]},
        incoming.sent_at,
    )
    InboundPart.objects.filter(id__in=[part.id for part in waiting]).update(message=message)
    return message, created


def _enqueue_processing(message_id):
    from madini.sms.tasks import process_inbound

    process_inbound.enqueue(message_id)
