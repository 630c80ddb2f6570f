"""The write path of inbound SMS: nothing lost, nothing twice.

Each message is committed before the gateway gets its 2xx, usually as a single INSERT, with its
processing scheduled as sms.scheduling explains (never a message stored without a task due after
it). A gateway's retry fails the unique constraint on (channel, gateway message id): it stores
nothing, and the row stored the first time is returned. What needs no lock (the reporter's
pseudonym and lookup, the payload's redaction) is done before anything is written, as on SQLite a
write transaction holds the single write lock from its BEGIN.
"""

import dataclasses
import logging

from django.db import IntegrityError, transaction
from django.views.decorators.debug import sensitive_variables

from madini.sms.anonymity import InvalidNumber, redact_payload, reporter_key_for_number
from madini.sms.gateways.base import gateway_for
from madini.sms.models import InboundMessage, InboundPart, Reporter
from madini.sms.scheduling import store_for_processing
from madini.sms.text import storable

logger = logging.getLogger(__name__)


@sensitive_variables()
def receive(channel, incoming_messages):
    """Store the IncomingMessages of one callback; return the InboundMessages they are or complete.

    A message delivered again returns the row stored the first time; a part of a longer message
    returns nothing until its last part arrives.
    """
    number_fields = gateway_for(channel).number_fields
    stored = []
    for incoming in incoming_messages:
        try:
            reporter = reporter_key_for_number(incoming.sender, channel.country_code)
        except InvalidNumber:
            # An operator's or a service's alphanumeric sender: nobody to answer, nothing to report.
            logger.warning(
                "Ignored message %s on channel %s: its sender is not a phone number",
                incoming.gateway_message_id,
                channel.uuid,
            )
            continue
        incoming = _storable(incoming, redact_payload(incoming.raw_payload, number_fields, reporter))
        if incoming.total_parts > 1:
            message = _store_part(channel, reporter.id, incoming)
        else:
            message, _ = _store_message(
                channel, reporter.id, incoming.gateway_message_id, incoming.text, incoming.raw_payload, incoming.sent_at
            )
        if message is not None:
            stored.append(message)
    return stored


@sensitive_variables()
def _storable(incoming, redacted_payload):
    """The message without its sender's number, and without what no database column can hold (NUL …)."""
    return dataclasses.replace(
        incoming,
        sender="",
        gateway_message_id=storable(incoming.gateway_message_id),
        text=storable(incoming.text),
        concat_ref=storable(incoming.concat_ref),
        raw_payload=_storable_json(redacted_payload),
    )


def _storable_json(value):
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, dict):
        return {_storable_json(key): _storable_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_storable_json(item) for item in value]
    return value


def _store_message(channel, reporter_id, gateway_message_id, text, payload, sent_at):
    """The message and whether it is new; the unique constraint settles concurrent deliveries."""

    def insert():
        return InboundMessage.objects.create(
            channel=channel,
            gateway_message_id=gateway_message_id,
            reporter_id=reporter_id,
            text=text,
            raw_payload=payload,
            sent_at=sent_at,
        )

    try:
        return store_for_processing(insert), True
    except IntegrityError:
        return InboundMessage.objects.get(channel=channel, gateway_message_id=gateway_message_id), False


def _store_part(channel, reporter_id, incoming):
    """The message this part completes, or None while parts are missing (or when it is a retry of a
    part whose message is not complete yet)."""
    with transaction.atomic():
        # One reporter's parts are stored one transaction at a time, so the last to arrive sees the others.
        Reporter.objects.select_for_update().get(pk=reporter_id)
        try:
            with transaction.atomic():
                InboundPart.objects.create(
                    channel=channel,
                    reporter_id=reporter_id,
                    concat_ref=incoming.concat_ref,
                    total_parts=incoming.total_parts,
                    part_number=incoming.part_number,
                    gateway_message_id=incoming.gateway_message_id,
                    text=incoming.text,
                    raw_payload=incoming.raw_payload,
                )
        except IntegrityError:
            part = InboundPart.objects.select_related("message").get(
                channel=channel, gateway_message_id=incoming.gateway_message_id
            )
            return part.message
        return _join_parts(channel, reporter_id, incoming)


def _join_parts(channel, reporter_id, incoming):
    waiting = list(
        InboundPart.objects.filter(
            channel=channel,
            reporter_id=reporter_id,
            concat_ref=incoming.concat_ref,
            total_parts=incoming.total_parts,
            message=None,
        ).order_by("part_number", "id")
    )
    by_number = {}
    for part in waiting:
        by_number.setdefault(part.part_number, part)
    if set(by_number) != set(range(1, incoming.total_parts + 1)):
        return None
    parts = [by_number[number] for number in sorted(by_number)]
    message, _ = _store_message(
        channel,
        reporter_id,
        f"concat:{parts[0].gateway_message_id}",
        "".join(part.text for part in parts),
        {"parts": [part.raw_payload for part in parts]},
        incoming.sent_at,
    )
    InboundPart.objects.filter(id__in=[part.id for part in waiting]).update(message=message)
    return message
