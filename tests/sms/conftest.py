"""Fixtures shared by the SMS tests: a channel of each gateway, and functions that play a gateway,
posting a message or a delivery report in that gateway's real format, signed the way it signs.

- `channel`: parametrised over every gateway, so a test that takes it runs once per gateway;
  `africastalking_channel`, `twilio_channel`, `vonage_channel`, `smssync_channel`, `generic_channel`
  for one gateway.
- `deliver(client, channel, sender, text, message_id=None, *, secret=None, sent_at=None, extra=None)`:
  the gateway's inbound callback; `secret` signs with another key (a forgery), `extra` adds or
  overrides payload fields before signing (e.g. Vonage's concat fields). Returns the response.
- `report_delivery(client, channel, gateway_message_id, delivered=True, *, secret=None)`: the
  gateway's delivery report for a message it sent.
- `sign_vonage(channel, params, secret)`: Vonage's signed parameters (for a GET callback).
- `number_forms(number)`: the forms a number could leak in (E.164, digits only, national).
- `reporter_number`: a fake reporter's number, "+243990000001".
- `sms_rows()`: how many rows each SMS table holds, to show that a refused request stored nothing.
- `database_outage()`: a context manager during which the database is really unavailable (use in
  a `django_db(transaction=True)` test).
- `deliver` and `report_delivery` also take a RequestFactory instead of a client: they then return
  the request, for testing a gateway's parsing without the views.
- `gateway_http`: a `responses` mock through which the official SDKs' HTTP calls go; a request
  no test expects fails, so no test reaches the internet.

Every phone number here is fake: +243 99 000 0xxx is not assigned to anyone.
"""

import datetime
import hashlib
import hmac
import json
import sqlite3
import time
import uuid
from contextlib import contextmanager
from urllib.parse import urlencode

import pytest
import responses
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from twilio.request_validator import RequestValidator
from vonage_http_client import Auth

from madini.sms.anonymity import forget_recent_reporters
from madini.sms.channels import forget_channels
from madini.sms.models import Channel, InboundMessage, InboundPart, OutboundMessage, Reporter, Session
from madini.sms.scheduling import forget_task_ahead

REPORTER_NUMBER = "+243990000001"  # fake
OTHER_REPORTER_NUMBER = "+243990000002"  # fake
PLATFORM_NUMBER = "+243990000100"  # fake: the channel's own number
PUBLIC_BASE_URL = "https://madini.example.org"

CHANNEL_SETTINGS = {
    "africastalking": {"secret": "at-callback-secret-0001", "config": {"username": "madini-test", "api_key": "fake-at-api-key"}},
    "twilio": {"secret": "fake-twilio-auth-token", "config": {"account_sid": "AC" + "0" * 32}},
    "vonage": {"secret": "fake-vonage-signature-secret", "config": {"api_key": "fakekey1", "api_secret": "fake-api-secret"}},
    "smssync": {"secret": "fake-smssync-secret", "config": {}},
    "generic": {"secret": "fake-generic-secret", "config": {"send_url": "https://aggregator.example.org/send"}},
}


@pytest.fixture(autouse=True)
def sms_settings(settings):
    """Gateways sign the public URL, so tests fix it; the webhook throttle and what a process keeps
    in memory (channels, reporter ids, its processing task ahead) start each test afresh: a row
    rolled back at the end of a test must not outlive it."""
    settings.MADINI_PUBLIC_BASE_URL = PUBLIC_BASE_URL
    cache.clear()
    forget_channels()
    forget_recent_reporters()
    forget_task_ahead()


def make_channel(gateway, **fields):
    values = {
        "name": f"{gateway} test channel",
        "gateway": gateway,
        "number": PLATFORM_NUMBER,
        "country_code": "CD",
        "default_language": "sw",
        **CHANNEL_SETTINGS[gateway],
        **fields,
    }
    return Channel.objects.create(**values)


@pytest.fixture(params=list(CHANNEL_SETTINGS))
def channel(request, db):
    return make_channel(request.param)


@pytest.fixture
def africastalking_channel(db):
    return make_channel("africastalking")


@pytest.fixture
def twilio_channel(db):
    return make_channel("twilio")


@pytest.fixture
def vonage_channel(db):
    return make_channel("vonage")


@pytest.fixture
def smssync_channel(db):
    return make_channel("smssync")


@pytest.fixture
def generic_channel(db):
    return make_channel("generic")


@pytest.fixture
def reporter_number():
    return REPORTER_NUMBER


@pytest.fixture
def sms_rows(db):
    def count():
        return {model.__name__: model.objects.count() for model in (InboundMessage, InboundPart, Reporter, OutboundMessage, Session)}

    return count


@pytest.fixture
def gateway_http():
    with responses.RequestsMock() as mock:
        yield mock


@contextmanager
def make_database_unavailable():
    """Make the database really unavailable: PostgreSQL refuses the connection (nothing listens
    on port 1); SQLite, embedded, fails the way it does in production, another writer holding the lock."""
    if connection.vendor == "postgresql":
        saved = {key: connection.settings_dict[key] for key in ("HOST", "PORT")}
        connection.close()
        connection.settings_dict.update(HOST="127.0.0.1", PORT="1")
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict.update(saved)
    else:
        other_writer = sqlite3.connect(connection.settings_dict["NAME"], uri=True)
        other_writer.execute("BEGIN IMMEDIATE")
        other_writer.execute("UPDATE sms_inboundmessage SET text = text")
        try:
            yield
        finally:
            other_writer.rollback()
            other_writer.close()


@pytest.fixture
def database_outage():
    return make_database_unavailable


@pytest.fixture
def deliver():
    return deliver_message


@pytest.fixture
def sign_vonage():
    return vonage_signed


@pytest.fixture
def number_forms():
    """The forms in which a number could leak: E.164, digits only, national (0…)."""

    def forms(number):
        plain = number.lstrip("+")
        return {number, plain, "0" + plain[3:]}

    return forms


@pytest.fixture
def report_delivery():
    return post_delivery_report


def receive_path(channel):
    return reverse("sms:receive", args=[channel.uuid])


def status_path(channel):
    return reverse("sms:status", args=[channel.uuid])


def deliver_message(client, channel, sender, text, message_id=None, *, secret=None, sent_at=None, extra=None):
    message_id = message_id or NEW_MESSAGE_ID[channel.gateway]()
    sent_at = sent_at or timezone.now().replace(microsecond=0)
    build = INBOUND[channel.gateway]
    return build(client, channel, sender, text, message_id, secret or channel.secret, sent_at, extra or {})


def post_delivery_report(client, channel, gateway_message_id, delivered=True, *, secret=None):
    return DELIVERY_REPORT[channel.gateway](client, channel, gateway_message_id, delivered, secret or channel.secret)


NEW_MESSAGE_ID = {
    "africastalking": lambda: str(uuid.uuid4()),
    "twilio": lambda: "SM" + uuid.uuid4().hex,
    "vonage": lambda: uuid.uuid4().hex[:16].upper(),
    "smssync": lambda: str(uuid.uuid4()),
    "generic": lambda: str(uuid.uuid4()),
}


# Africa's Talking: form POST; fields from AT's SMS docs ("Incoming messages", "Delivery reports").
# AT does not sign, so the channel's secret rides in the callback URL.
def at_inbound(client, channel, sender, text, message_id, secret, sent_at, extra):
    payload = {
        "from": sender,
        "to": channel.number,
        "text": text,
        "date": sent_at.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "id": message_id,
        "linkId": "",
        "networkCode": "63001",
        **extra,
    }
    return client.post(f"{receive_path(channel)}?{urlencode({'secret': secret})}", payload)


def at_report(client, channel, message_id, delivered, secret):
    payload = {
        "id": message_id,
        "status": "Success" if delivered else "Failed",
        "phoneNumber": REPORTER_NUMBER,
        "networkCode": "63001",
        "retryCount": "0",
        **({} if delivered else {"failureReason": "AbsentSubscriber"}),
    }
    return client.post(f"{status_path(channel)}?{urlencode({'secret': secret})}", payload)


# Twilio: form POST with the parameters of Twilio's messaging webhook ("Messaging webhooks" docs),
# signed with the twilio package's own RequestValidator over the public URL.
def twilio_inbound(client, channel, sender, text, message_id, secret, sent_at, extra):
    payload = {
        "ToCountry": "CD", "ToState": "", "SmsMessageSid": message_id, "NumMedia": "0", "ToCity": "",
        "FromZip": "", "SmsSid": message_id, "FromState": "", "SmsStatus": "received", "FromCity": "",
        "Body": text, "FromCountry": "CD", "To": channel.number, "ToZip": "", "NumSegments": "1",
        "MessageSid": message_id, "AccountSid": channel.config["account_sid"], "From": sender,
        "ApiVersion": "2010-04-01", **extra,
    }
    return twilio_post(client, receive_path(channel), payload, secret)


def twilio_report(client, channel, message_id, delivered, secret):
    payload = {
        "MessageSid": message_id, "SmsSid": message_id, "MessageStatus": "delivered" if delivered else "undelivered",
        "SmsStatus": "delivered" if delivered else "undelivered", "To": REPORTER_NUMBER, "From": channel.number,
        "AccountSid": channel.config["account_sid"], "ApiVersion": "2010-04-01",
        **({} if delivered else {"ErrorCode": "30003"}),
    }
    return twilio_post(client, status_path(channel), payload, secret)


def twilio_post(client, path, payload, auth_token):
    signature = RequestValidator(auth_token).compute_signature(PUBLIC_BASE_URL + path, payload)
    return client.post(path, payload, headers={"X-Twilio-Signature": signature})


# Vonage: the inbound-SMS and delivery-receipt parameters of Vonage's SMS API docs, signed
# (SHA-256 HMAC) with vonage_http_client's own signer; posted as a form, or sent as a GET.
def vonage_inbound(client, channel, sender, text, message_id, secret, sent_at, extra):
    params = {
        "msisdn": sender.lstrip("+"),
        "to": channel.number.lstrip("+"),
        "messageId": message_id,
        "text": text,
        "type": "text" if text.isascii() else "unicode",
        "keyword": (text.split() or [""])[0].upper(),
        "api-key": channel.config["api_key"],
        "message-timestamp": sent_at.astimezone(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S"),
        **extra,
    }
    return client.post(receive_path(channel), vonage_signed(channel, params, secret))


def vonage_report(client, channel, message_id, delivered, secret):
    params = {
        "msisdn": REPORTER_NUMBER.lstrip("+"), "to": channel.number.lstrip("+"), "network-code": "63001",
        "messageId": message_id, "price": "0.03330000", "status": "delivered" if delivered else "failed",
        "scts": "2405030604", "err-code": "0" if delivered else "1", "api-key": channel.config["api_key"],
        "message-timestamp": "2024-05-03 06:04:45",
    }
    return client.post(status_path(channel), vonage_signed(channel, params, secret))


def vonage_signed(channel, params, signature_secret):
    signed = {**params, "timestamp": str(int(time.time())), "nonce": str(uuid.uuid4())}
    auth = Auth(api_key=channel.config["api_key"], signature_secret=signature_secret, signature_method="sha256")
    return {**signed, "sig": auth.sign_params(dict(signed))}


# SMSSync: the form POST of SMSSync's developer docs and its MessageHttpClient.java, with
# sent_timestamp in milliseconds (Java's Date.getTime()).
def smssync_inbound(client, channel, sender, text, message_id, secret, sent_at, extra):
    payload = {
        "from": sender,
        "message": text,
        "message_id": message_id,
        "sent_to": channel.number,
        "secret": secret,
        "device_id": "madini-test-phone-1",
        "sent_timestamp": str(int(sent_at.timestamp() * 1000)),
        **extra,
    }
    return client.post(receive_path(channel), payload)


def smssync_report(client, channel, message_uuid, delivered, secret):
    result = {
        "uuid": message_uuid,
        "sent_result_code": 0 if delivered else 1,
        "sent_result_message": "SMSSync Message Sent" if delivered else "Failed to send SMS",
        "delivered_result_code": 0 if delivered else -1,
        "delivered_result_message": "SMS Delivered" if delivered else "",
    }
    return client.post(
        f"{receive_path(channel)}?{urlencode({'task': 'result', 'secret': secret})}",
        json.dumps({"message_result": [result]}),
        content_type="application/json",
    )


# The generic JSON webhook: the format defined in madini/sms/gateways/generic.py, signed here
# independently of the module (HMAC-SHA256 of the raw body).
def generic_inbound(client, channel, sender, text, message_id, secret, sent_at, extra):
    item = {"id": message_id, "from": sender, "to": channel.number, "text": text, "sent_at": sent_at.isoformat(), **extra}
    return generic_post(client, receive_path(channel), item, secret)


def generic_report(client, channel, message_id, delivered, secret):
    item = {"id": message_id, "status": "delivered" if delivered else "failed", "detail": "" if delivered else "absent"}
    return generic_post(client, status_path(channel), item, secret)


def generic_post(client, path, data, secret):
    body = json.dumps(data).encode()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post(path, body, content_type="application/json", headers={"X-Madini-Signature": signature})


INBOUND = {
    "africastalking": at_inbound,
    "twilio": twilio_inbound,
    "vonage": vonage_inbound,
    "smssync": smssync_inbound,
    "generic": generic_inbound,
}
DELIVERY_REPORT = {
    "africastalking": at_report,
    "twilio": twilio_report,
    "vonage": vonage_report,
    "smssync": smssync_report,
    "generic": generic_report,
}
