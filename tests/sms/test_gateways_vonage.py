"""Vonage: signed callbacks (formats: Vonage SMS API docs, "Inbound SMS", "Delivery receipts",
"Signing messages"; signatures made with vonage_http_client's own signer), concatenated parts,
and sending through the official `vonage-sms` SDK, its HTTP intercepted."""

import datetime
import json
import logging
from urllib.parse import parse_qs

import pytest
from django.urls import reverse

from madini.sms.gateways.base import DeliveryReport, SendFailed, gateway_for
from madini.sms.models import InboundMessage, InboundPart

REPORTER = "+243990000001"  # fake
SEND_URL = "https://rest.nexmo.com/sms/json"


def concat(ref, total, number):
    return {"concat": "true", "concat-ref": ref, "concat-total": str(total), "concat-part": str(number)}


def test_parts_out_of_order_and_repeated_make_one_message_in_order(
    client, vonage_channel, deliver, django_capture_on_commit_callbacks
):
    texts = {1: "Ajali ya shimo ", 2: "huko Kamituga, ", 3: "watu watatu wamekufa"}
    with django_capture_on_commit_callbacks() as processing:
        for number in (3, 1, 1, 2):
            response = deliver(client, vonage_channel, REPORTER, texts[number], message_id=f"0A00000{number}", extra=concat("201", 3, number))
            assert response.status_code == 200

    message = InboundMessage.objects.get()
    assert message.text == "Ajali ya shimo huko Kamituga, watu watatu wamekufa"
    assert message.gateway_message_id == "concat:0A000001"
    assert InboundPart.objects.filter(message=message).count() == 3
    assert len(processing) == 1


def test_a_part_numbered_beyond_the_total_is_refused(client, vonage_channel, deliver, sms_rows):
    response = deliver(client, vonage_channel, REPORTER, "Ajali", extra=concat("201", 2, 3))

    assert response.status_code == 400
    assert set(sms_rows().values()) == {0}


def test_a_callback_sent_as_get_is_accepted(client, vonage_channel, sign_vonage):
    params = {
        "msisdn": REPORTER.lstrip("+"), "to": "243990000100", "messageId": "0B0000004B65F62F", "text": "Kufatilia",
        "type": "text", "keyword": "KUFATILIA", "api-key": "fakekey1", "message-timestamp": "2024-05-03 06:04:45",
    }

    response = client.get(reverse("sms:receive", args=[vonage_channel.uuid]), sign_vonage(vonage_channel, params, vonage_channel.secret))

    assert response.status_code == 200
    message = InboundMessage.objects.get()
    assert message.sent_at == datetime.datetime(2024, 5, 3, 6, 4, 45, tzinfo=datetime.timezone.utc)
    assert message.raw_payload["msisdn"].startswith("reporter:")


def test_a_callback_sent_as_json_is_accepted(client, vonage_channel, sign_vonage):
    params = {"msisdn": REPORTER.lstrip("+"), "to": "243990000100", "messageId": "0C01", "text": "Matokeo", "type": "text"}

    response = client.post(
        reverse("sms:receive", args=[vonage_channel.uuid]),
        json.dumps(sign_vonage(vonage_channel, params, vonage_channel.secret)),
        content_type="application/json",
    )

    assert response.status_code == 200
    assert InboundMessage.objects.get().text == "Matokeo"


@pytest.mark.parametrize(
    ("delivered", "expected"),
    [(True, DeliveryReport("0D01", True, False, "delivered")), (False, DeliveryReport("0D01", False, True, "failed (err-code 1)"))],
)
def test_a_delivery_receipt_is_read(rf, vonage_channel, report_delivery, delivered, expected):
    request = report_delivery(rf, vonage_channel, "0D01", delivered=delivered)
    gateway = gateway_for(vonage_channel)

    gateway.verify(request)
    assert gateway.parse_status(request) == [expected]


def sent(*message_ids):
    return {
        "message-count": str(len(message_ids)),
        "messages": [
            {"to": REPORTER.lstrip("+"), "message-id": message_id, "status": "0", "remaining-balance": "3.14", "message-price": "0.0333", "network": "63001"}
            for message_id in message_ids
        ],
    }


@pytest.mark.parametrize(("text", "encoding"), [("Asante. Nambari: KF-7QX3", "text"), ("Votre signalement est reçu", "unicode")])
def test_a_reply_goes_through_the_sdk_in_the_encoding_its_characters_need(vonage_channel, gateway_http, text, encoding):
    gateway_http.post(SEND_URL, json=sent("0A0000000123ABCD"))

    result = gateway_for(vonage_channel).send(REPORTER, text)

    assert result.gateway_message_id == "0A0000000123ABCD"
    body = parse_qs(gateway_http.calls[0].request.body)
    assert (body["to"], body["from"], body["text"], body["type"]) == (["243990000001"], ["243990000100"], [text], [encoding])
    assert body["callback"] == [f"https://madini.example.org/sms/{vonage_channel.uuid}/status"]


def test_a_long_reply_keeps_the_id_of_every_part(vonage_channel, gateway_http):
    gateway_http.post(SEND_URL, json=sent("0A01", "0A02"))

    result = gateway_for(vonage_channel).send(REPORTER, "Habari " * 40)

    assert (result.gateway_message_id, result.extra["message_ids"]) == ("0A01", ["0A01", "0A02"])


@pytest.mark.parametrize(("status", "permanent"), [("1", False), ("4", True)])
def test_a_refusal_is_permanent_unless_vonage_is_only_busy(vonage_channel, gateway_http, status, permanent):
    gateway_http.post(SEND_URL, json={"message-count": "1", "messages": [{"status": status, "error-text": "Refused"}]})

    with pytest.raises(SendFailed) as failure:
        gateway_for(vonage_channel).send(REPORTER, "Asante")

    assert failure.value.permanent is permanent


def test_the_sdk_does_not_log_the_number_it_sends_to(vonage_channel, gateway_http, caplog):
    caplog.set_level(logging.DEBUG)
    gateway_http.post(SEND_URL, json=sent("0A03"))

    gateway_for(vonage_channel).send(REPORTER, "Asante")

    assert REPORTER.lstrip("+") not in caplog.text
