"""The one small interface every SMS gateway module implements.

A gateway module (africastalking.py, twilio.py, …) defines a subclass of Gateway and
registers it; adding a gateway touches only its module and its test.
"""

import datetime
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from django.http import HttpResponse


class GatewayRejected(Exception):
    """The request is not an authentic or well-formed callback of this gateway (answered 403/400)."""

    def __init__(self, reason, status=403):
        super().__init__(reason)
        self.status = status


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


class Gateway(ABC):
    """Parse and authenticate a gateway's callbacks, and send through it."""

    code = ""
    # Fields of the raw payload that hold a phone number: replaced by the pseudonym before storing.
    number_fields = ()

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
        """Send one message; return a SendResult or raise an exception to be retried."""

    def acknowledge(self, request, stored_messages):
        """The 2xx the gateway expects once the messages are safely stored."""
        return HttpResponse(status=200)


REGISTRY = {}


def register(gateway_class):
    REGISTRY[gateway_class.code] = gateway_class
    return gateway_class


def gateway_for(channel):
    from madini.sms import gateways  # noqa: F401  (imports every gateway module, which registers it)

    return REGISTRY[channel.gateway](channel)
