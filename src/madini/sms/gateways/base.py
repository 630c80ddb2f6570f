"""The one small interface every SMS gateway module implements.

A gateway module (africastalking.py, twilio.py, …) defines a subclass of Gateway and
registers it; adding a gateway touches only its module and its test.
"""

import datetime
import hmac
import re
import secrets
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.urls import reverse
from django.utils.dateparse import parse_datetime


class GatewayRejected(Exception):
    """The request is not an authentic or well-formed callback of this gateway (answered 403/400)."""

    def __init__(self, reason, status=403):
        super().__init__(reason)
        self.status = status


class SendFailed(Exception):
    """The gateway did not take the message. `permanent`: retrying the same message cannot help.

    The reason never contains a phone number, so it can be logged and stored with the message.
    """

    def __init__(self, reason, permanent=False):
        super().__init__(without_numbers(reason))
        self.permanent = permanent


@dataclass(frozen=True)
class IncomingMessage:
    gateway_message_id: str
    sender: str  # as the gateway gives it; normalised to E.164 and discarded by sms.anonymity
    text: str
    raw_payload: dict
    sent_at: datetime.datetime | None = None
    # Concatenated SMS: the reference shared by the parts, how many, and which one this is.
    concat_ref: str = ""
    total_parts: int = 1
    part_number: int = 1


@dataclass(frozen=True)
class DeliveryReport:
    gateway_message_id: str
    delivered: bool
    failed: bool
    detail: str = ""


@dataclass(frozen=True)
class SendResult:
    gateway_message_id: str
    extra: dict = field(default_factory=dict)
    # The gateway cannot be pushed to (SMSSync): the message stays queued until the device fetches it.
    awaiting_device: bool = False


class Gateway(ABC):
    """Parse and authenticate a gateway's callbacks, and send through it."""

    code = ""
    # Fields of the raw payload that hold a phone number: replaced by the pseudonym before storing.
    number_fields = ()
    # Keys of channel.config that sending needs (checked by `madini sms add-channel`).
    config_keys = ()
    # True: channel.secret is ours, shared with the gateway (generated when not given).
    # False: the provider issues it (Twilio's auth token, Vonage's signature secret).
    shared_secret = True

    def __init__(self, channel):
        self.channel = channel

    @abstractmethod
    def verify(self, request):
        """Raise GatewayRejected unless the request really comes from this channel's gateway."""

    @abstractmethod
    def parse_inbound(self, request):
        """Return the list of IncomingMessage in an inbound callback."""

    @abstractmethod
    def parse_status(self, request):
        """Return the list of DeliveryReport in a status callback."""

    @abstractmethod
    def send(self, to_number, text):
        """Send one message; return a SendResult, or raise SendFailed (or another error) to be retried."""

    def acknowledge(self, request, stored_messages):
        """The 2xx the gateway expects once the messages are safely stored."""
        return HttpResponse(status=200)

    def refuse(self, reason, status):
        """The answer to a request that was not stored (bad signature, malformed, database down …)."""
        return HttpResponse(reason, status=status, content_type="text/plain; charset=utf-8")

    def handle_task(self, request):
        """Answer a gateway that polls the inbound URL for work (SMSSync); None for a plain callback."""
        return None

    def callback_urls(self):
        """The absolute (inbound, status) URLs to enter in the gateway's settings."""
        return (
            public_url(reverse("sms:receive", args=[self.channel.uuid])),
            public_url(reverse("sms:status", args=[self.channel.uuid])),
        )

    def setting(self, key):
        try:
            return self.channel.config[key]
        except KeyError:
            raise ImproperlyConfigured(
                f"SMS channel {self.channel.name!r} has no {key!r} in its config: set it in the admin "
                f"(Config) or create the channel with `madini sms add-channel --config {key}=…`."
            ) from None


def public_url(path):
    """The URL at which gateways reach `path`: MADINI_PUBLIC_BASE_URL is scheme://host[:port]."""
    return settings.MADINI_PUBLIC_BASE_URL.rstrip("/") + path


def new_shared_secret():
    return secrets.token_urlsafe(16)


def same_secret(given, expected):
    """Constant-time comparison, so that timing does not reveal how much of a secret was right."""
    return bool(expected) and hmac.compare_digest(str(given or "").encode(), expected.encode())


def parse_sent_at(text):
    """An ISO 8601 date-time as gateways send it ("2024-05-03T06:04:45Z", "2024-05-03 06:04:45"), UTC
    when no offset is given; None when absent or unreadable (the message matters more than its date)."""
    try:
        moment = parse_datetime(str(text or "").strip())
    except ValueError:
        return None
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment


_NUMBER_LIKE = re.compile(r"\+?\d[\d\s()-]{5,}\d")


def without_numbers(text):
    """`text` with anything that looks like a phone number masked (for error texts from providers)."""
    return _NUMBER_LIKE.sub("[number]", str(text))


REGISTRY = {}


def register(gateway_class):
    REGISTRY[gateway_class.code] = gateway_class
    return gateway_class


def gateway_for(channel):
    from madini.sms import gateways  # noqa: F401  (imports every gateway module, which registers it)

    return REGISTRY[channel.gateway](channel)
