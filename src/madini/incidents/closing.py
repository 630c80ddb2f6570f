"""Closing the loop: the short SMS a reporter who agreed to be contacted gets when their case closes."""

import logging

from django.utils import timezone

from madini.incidents.models import Incident
from madini.sms.models import InboundMessage
from madini.sms.outbound import queue_message

logger = logging.getLogger(__name__)

# One GSM-7 segment each (é and è are GSM-7; ê and ç would switch to UCS-2); tests count them.
CLOSING_MESSAGES = {
    Incident.Status.RESOLVED: {
        "sw": "Kufatilia: ripoti {reference} imeshughulikiwa na kutatuliwa. Asante kwa kutuarifu.",
        "fr": "Kufatilia: le cas {reference} a été traité et résolu. Merci de nous avoir alertés.",
        "en": "Kufatilia: case {reference} was followed up and resolved. Thank you for telling us.",
    },
    Incident.Status.UNRESOLVED: {
        "sw": "Kufatilia: ripoti {reference} imefungwa bila suluhisho bado. Tunaendelea kufuatilia hali hii.",
        "fr": "Kufatilia: le cas {reference} est clos sans solution pour l'instant. Nous restons attentifs.",
        "en": "Kufatilia: case {reference} is closed without a solution yet. We keep watching the situation.",
    },
}


def closing_text(incident):
    language = incident.language if incident.language in ("sw", "fr", "en") else "sw"
    return CLOSING_MESSAGES[incident.status][language].format(reference=incident.reference)


def reply_channel(reporter):
    """The channel the reporter last wrote on: the number they know, on a gateway that reaches them."""
    last = (
        InboundMessage.objects.filter(reporter=reporter, channel__active=True)
        .select_related("channel")
        .order_by("-received_at", "-id")
        .first()
    )
    return last.channel if last else None


def tell_reporter(incident):
    """Queue the closing SMS once, and only if the reporter agreed to be contacted."""
    if incident.closing_message_queued_at or not incident.consent_to_contact or incident.reporter_id is None:
        return None
    channel = reply_channel(incident.reporter)
    if channel is None:
        logger.info("No closing SMS for %s: the reporter has no active channel", incident.reference)
        return None
    message = queue_message(channel, incident.reporter, closing_text(incident), incident=incident)
    if message is not None:
        Incident.objects.filter(pk=incident.pk).update(closing_message_queued_at=timezone.now())
    return message
