"""The generic JSON webhook (format: madini/sms/gateways/generic.py): HMAC-signed callbacks, and
sending by a signed POST to the aggregator, its HTTP intercepted."""

import hashlib
import hmac
import json

import pytest
import responses
from django.urls import reverse

from madini.sms.gateways.base import DeliveryReport, SendFailed, gateway_for
from madini.sms.models import InboundMessage

REPORTER = "+243990000001"  # fake
OTHER_REPORTER = "+243990000002"  # fake
SEND_URL = "https://aggregator.example.org/send"


def signed(body, secret="fake-generic-secret"):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_several_messages_in_one_callback_are_all_stored(client, generic_channel):
    body = json.dumps(
        [
            {"id": "g-1", "from": REPORTER, "to": "+243990000100", "text": "Kufatilia", "sent_at": "2024-05-03T06:04:45Z"},
            {"id": "g-2", "from": OTHER_REPORTER, "to": "+243990000100", "text": "Matokeo dhahabu", "sent_at": "2024-05-03T06:05:00Z"},
        ]
    ).encode()

    response = client.post(
        reverse("sms:receive", args=[generic_channel.uuid]), body, content_type="application/json",
        headers={"X-Madini-Signature": signed(body)},
    )

    assert response.status_code == 200
    assert list(InboundMessage.objects.values_list("gateway_message_id", "text")) == [("g-1", "Kufatilia"), ("g-2", "Matokeo dhahabu")]


def test_a_callback_without_signature_is_refused(client, generic_channel, sms_rows):
    body = json.dumps({"id": "g-1", "from": REPORTER, "text": "Kufatilia"})

    response = client.post(reverse("sms:receive", args=[generic_channel.uuid]), body, content_type="application/json")

    assert response.status_code == 403
    assert set(sms_rows().values()) == {0}


def test_a_delivery_report_is_read(rf, generic_channel, report_delivery):
    request = report_delivery(rf, generic_channel, "agg-9", delivered=False)
    gateway = gateway_for(generic_channel)

    gateway.verify(request)
    assert gateway.parse_status(request) == [DeliveryReport("agg-9", False, True, "absent")]


def test_a_reply_is_posted_signed_to_the_aggregator(generic_channel, gateway_http):
    gateway_http.post(SEND_URL, json={"id": "agg-42"})

    result = gateway_for(generic_channel).send(REPORTER, "Asante")

    assert result.gateway_message_id == "agg-42"
    request = gateway_http.calls[0].request
    assert request.headers["X-Madini-Signature"] == signed(request.body)
    assert json.loads(request.body) == {
        "to": REPORTER,
        "from": "+243990000100",
        "text": "Asante",
        "status_url": f"https://madini.example.org/sms/{generic_channel.uuid}/status",
    }


@pytest.mark.parametrize(("status", "permanent"), [(400, True), (429, False), (502, False)])
def test_a_refusal_is_permanent_only_for_a_client_error(generic_channel, gateway_http, status, permanent):
    gateway_http.post(SEND_URL, status=status)

    with pytest.raises(SendFailed) as failure:
        gateway_for(generic_channel).send(REPORTER, "Asante")

    assert failure.value.permanent is permanent


def test_an_accepted_reply_without_an_id_is_not_sent_again(generic_channel, gateway_http):
    gateway_http.add(responses.POST, SEND_URL, status=202, body="accepted")

    assert gateway_for(generic_channel).send(REPORTER, "Asante").gateway_message_id == ""
