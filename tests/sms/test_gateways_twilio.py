"""Twilio: signed webhooks (formats: Twilio "Messaging webhooks" and "Webhooks security" docs;
signatures computed with the twilio package's RequestValidator) and sending through the official
`twilio` SDK, its HTTP intercepted."""

from urllib.parse import parse_qs

import pytest
from django.urls import reverse
from twilio.request_validator import RequestValidator

from madini.sms.gateways.base import DeliveryReport, SendFailed, gateway_for
from madini.sms.models import InboundMessage

REPORTER = "+243990000001"  # fake
ACCOUNT_SID = "AC" + "0" * 32
MESSAGES_URL = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"


def test_an_inbound_message_is_answered_with_empty_twiml(client, twilio_channel, deliver):
    response = deliver(client, twilio_channel, REPORTER, "Kufatilia")

    assert response["Content-Type"] == "text/xml"
    assert response.content.endswith(b"<Response/>")
    assert InboundMessage.objects.get().text == "Kufatilia"


def test_a_signature_for_another_url_is_refused(client, twilio_channel, sms_rows):
    path = reverse("sms:receive", args=[twilio_channel.uuid])
    payload = {"MessageSid": "SM" + "1" * 32, "From": REPORTER, "To": "+243990000100", "Body": "Kufatilia"}
    # Signed for the host the test client uses, not for the public URL Twilio calls.
    signature = RequestValidator("fake-twilio-auth-token").compute_signature(f"http://testserver{path}", payload)

    response = client.post(path, payload, headers={"X-Twilio-Signature": signature})

    assert response.status_code == 403
    assert set(sms_rows().values()) == {0}


@pytest.mark.parametrize(
    ("delivered", "expected"),
    [(True, DeliveryReport("SM1", True, False, "delivered")), (False, DeliveryReport("SM1", False, True, "undelivered (error 30003)"))],
)
def test_a_status_callback_is_read(rf, twilio_channel, report_delivery, delivered, expected):
    request = report_delivery(rf, twilio_channel, "SM1", delivered=delivered)
    gateway = gateway_for(twilio_channel)

    gateway.verify(request)
    assert gateway.parse_status(request) == [expected]


def test_a_reply_goes_through_the_sdk_with_a_status_callback(twilio_channel, gateway_http):
    gateway_http.post(MESSAGES_URL, status=201, json={"sid": "SM" + "a" * 32, "status": "queued", "to": REPORTER})

    result = gateway_for(twilio_channel).send(REPORTER, "Asante. Nambari: KF-7QX3")

    assert result.gateway_message_id == "SM" + "a" * 32
    [call] = gateway_http.calls
    assert parse_qs(call.request.body) == {
        "To": [REPORTER],
        "From": ["+243990000100"],
        "Body": ["Asante. Nambari: KF-7QX3"],
        "StatusCallback": [f"https://madini.example.org/sms/{twilio_channel.uuid}/status"],
    }


def test_a_reply_is_sent_with_a_timeout_so_a_silent_api_cannot_hold_the_worker(twilio_channel, gateway_http):
    gateway_http.post(MESSAGES_URL, status=201, json={"sid": "SM" + "c" * 32, "status": "queued"})

    gateway_for(twilio_channel).send(REPORTER, "Asante")

    [call] = gateway_http.calls
    assert 0 < call.request.req_kwargs["timeout"] <= 60


def test_a_messaging_service_sends_in_place_of_the_number(twilio_channel, gateway_http):
    twilio_channel.config["messaging_service_sid"] = "MG" + "0" * 32
    gateway_http.post(MESSAGES_URL, status=201, json={"sid": "SM" + "b" * 32, "status": "accepted"})

    gateway_for(twilio_channel).send(REPORTER, "Asante")

    body = parse_qs(gateway_http.calls[0].request.body)
    assert body["MessagingServiceSid"] == ["MG" + "0" * 32]
    assert "From" not in body


def test_an_invalid_number_is_a_permanent_failure_that_does_not_quote_it(twilio_channel, gateway_http):
    gateway_http.post(
        MESSAGES_URL,
        status=400,
        json={"code": 21211, "message": f"The 'To' number {REPORTER} is not a valid phone number.", "status": 400},
    )

    with pytest.raises(SendFailed) as failure:
        gateway_for(twilio_channel).send(REPORTER, "Asante")

    assert failure.value.permanent
    assert "21211" in str(failure.value)
    assert REPORTER.lstrip("+") not in str(failure.value)


def test_a_twilio_outage_is_a_failure_worth_retrying(twilio_channel, gateway_http):
    gateway_http.post(MESSAGES_URL, status=503, json={"code": 20503, "message": "Service unavailable", "status": 503})

    with pytest.raises(SendFailed) as failure:
        gateway_for(twilio_channel).send(REPORTER, "Asante")

    assert not failure.value.permanent
