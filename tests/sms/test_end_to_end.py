"""A whole report through each gateway's real, signed payloads: the webhook stores each message,
the task answers it, the confirmation is queued; and afterwards no table and no log line holds the
reporter's number."""

import logging
import re

import pytest
from django.db import connection
from django.utils import timezone

from madini.incidents.models import Incident, IncidentCategory
from madini.sites.models import Site
from madini.sms.models import InboundMessage, OutboundMessage
from madini.sms.outbound import send_due_messages

pytestmark = pytest.mark.django_db

REPORTER = "+243990000009"  # fake: +243 99 000 0xxx is not assigned to anyone
# Nyabibwe (codmine03059, Masisi, Nord-Kivu) is a real site of the IPIS data, misspelt by each reporter.
NYABIBWE = "codmine03059"
CONVERSATIONS = {
    "sw": ["Kufatilia", "1", "5", "leo", "Nyabibwa, Masisi", "1", "Askari wanadai kodi haramu", "12", "2"],
    "fr": ["KUFATILIA", "2", "5", "aujourd'hui", "site de Nyabibve", "1", "Des militaires exigent une taxe", "12", "non"],
    "en": ["kufatila", "3", "5", "today", "Nyabiwe", "yes", "Soldiers demand an illegal tax", "12", "no"],
}
REFERENCE = re.compile(r"KF-[2-9A-HJ-NP-Z]{4}")
# What each gateway's API answers to a message sent through it (as in their documentation).
SENT = {
    "africastalking": (
        "https://api.africastalking.com/version1/messaging",
        201,
        {"SMSMessageData": {"Message": "Sent to 1/1", "Recipients": [{"statusCode": 101, "number": REPORTER, "status": "Success", "cost": "USD 0.0200", "messageId": "ATXid_1"}]}},
    ),
    "twilio": (
        "https://api.twilio.com/2010-04-01/Accounts/AC" + "0" * 32 + "/Messages.json",
        201,
        {"sid": "SM" + "c" * 32, "status": "queued", "to": REPORTER},
    ),
    "vonage": (
        "https://rest.nexmo.com/sms/json",
        200,
        {"message-count": "1", "messages": [{"to": REPORTER.lstrip("+"), "message-id": "0A0000000000001", "status": "0"}]},
    ),
    "generic": ("https://aggregator.example.org/send", 200, {"id": "agg-1"}),
}


@pytest.fixture
def nyabibwe(real_sites):
    return Site.objects.get(pcode=NYABIBWE)


@pytest.fixture
def report(client, channel, deliver, django_capture_on_commit_callbacks):
    """Text each message through the gateway, then run the processing intake enqueued after its commit
    (the replies' sending stays queued)."""

    def send(texts):
        for text in texts:
            with django_capture_on_commit_callbacks() as enqueued:
                response = deliver(client, channel, REPORTER, text)
            assert response.status_code == 200, response.content
            for callback in enqueued:
                callback()

    return send


@pytest.mark.parametrize("language", CONVERSATIONS)
def test_a_report_through_each_gateway_files_one_incident_and_queues_its_confirmation(channel, report, language, nyabibwe):
    report(CONVERSATIONS[language])

    incident = Incident.objects.get()
    assert incident.category == IncidentCategory.objects.get(code="corruption")
    assert incident.occurred_on == timezone.localdate()
    assert incident.site == nyabibwe
    assert incident.location_precision == Incident.LocationPrecision.SITE
    assert incident.language == language
    assert incident.people_affected == 12 and incident.consent_to_contact is False
    assert REFERENCE.fullmatch(incident.reference)
    messages = InboundMessage.objects.filter(channel=channel)
    assert messages.count() == len(CONVERSATIONS[language])
    assert set(messages.values_list("status", flat=True)) == {InboundMessage.Status.PROCESSED}
    assert set(messages.values_list("incident", flat=True)) == {incident.id}
    confirmation = OutboundMessage.objects.get(in_reply_to=messages.last())
    assert confirmation.channel == channel and confirmation.incident == incident
    assert confirmation.status == OutboundMessage.Status.QUEUED
    assert incident.reference in confirmation.text
    assert OutboundMessage.objects.count() == len(CONVERSATIONS[language])


@pytest.fixture
def every_query_logged():
    """SQL statements and their parameters go to the django.db.backends log, as with DEBUG=True."""
    connection.force_debug_cursor = True
    yield
    connection.force_debug_cursor = False


def every_stored_value():
    """Every value of every table, as text (binary as Latin-1, so that no byte is lost)."""
    values = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                values += [bytes(value).decode("latin-1") if isinstance(value, (bytes, memoryview)) else str(value) for value in row]
    return "\n".join(values)


def test_after_a_full_report_neither_the_database_nor_the_logs_hold_the_number(
    client, channel, report, deliver, report_delivery, gateway_http, number_forms, caplog, every_query_logged
):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django")  # Django's own logging stops at INFO
    if channel.gateway in SENT:
        url, status, answer = SENT[channel.gateway]
        gateway_http.post(url, status=status, json=answer)

    report(CONVERSATIONS["en"])
    send_due_messages()
    for sent in OutboundMessage.objects.exclude(gateway_message_id=""):
        report_delivery(client, channel, sent.gateway_message_id)

    assert Incident.objects.count() == 1
    if channel.gateway in SENT:
        assert OutboundMessage.objects.filter(status=OutboundMessage.Status.DELIVERED).count() == len(CONVERSATIONS["en"])
        assert any(REPORTER.lstrip("+") in str(call.request.body) for call in gateway_http.calls)
    assert "SELECT" in caplog.text
    stored = every_stored_value()
    for form in number_forms(REPORTER):
        assert form not in stored
        assert form not in caplog.text
    if connection.vendor == "sqlite":
        database_file = connection.connection.serialize()
        assert not any(form.encode() in database_file for form in number_forms(REPORTER))
