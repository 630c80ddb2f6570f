"""Africa's Talking: its callbacks (formats: AT SMS docs, "Incoming messages" and "Delivery reports")
and sending through the official `africastalking` SDK, its HTTP intercepted."""

import datetime
from urllib.parse import parse_qs

import pytest

from madini.sms.gateways.base import DeliveryReport, SendFailed, gateway_for
from madini.sms.models import InboundMessage

REPORTER = "+243990000001"  # fake
SEND_URL = "https://api.africastalking.com/version1/messaging"


def test_both_callback_urls_carry_the_channel_secret(africastalking_channel):
    inbound, status = gateway_for(africastalking_channel).callback_urls()

    assert inbound == f"https://madini.example.org/sms/{africastalking_channel.uuid}/receive?secret=at-callback-secret-0001"
    assert status == f"https://madini.example.org/sms/{africastalking_channel.uuid}/status?secret=at-callback-secret-0001"


def test_the_message_date_is_kept_as_sent(client, africastalking_channel, deliver):
    sent_at = datetime.datetime(2024, 5, 3, 6, 4, 45, tzinfo=datetime.timezone.utc)

    deliver(client, africastalking_channel, REPORTER, "Kufatilia", sent_at=sent_at)

    assert InboundMessage.objects.get().sent_at == sent_at


@pytest.mark.parametrize(
    ("delivered", "expected"),
    [(True, DeliveryReport("ATXid_1", True, False, "Success")), (False, DeliveryReport("ATXid_1", False, True, "Failed AbsentSubscriber"))],
)
def test_a_delivery_report_is_read(rf, africastalking_channel, report_delivery, delivered, expected):
    request = report_delivery(rf, africastalking_channel, "ATXid_1", delivered=delivered)
    gateway = gateway_for(africastalking_channel)

    gateway.verify(request)
    assert gateway.parse_status(request) == [expected]


def test_a_reply_goes_through_the_sdk_from_the_channel_number(africastalking_channel, gateway_http):
    gateway_http.post(
        SEND_URL,
        status=201,
        json={
            "SMSMessageData": {
                "Message": "Sent to 1/1 Total Cost: USD 0.0200",
                "Recipients": [
                    {"statusCode": 101, "number": REPORTER, "status": "Success", "cost": "USD 0.0200", "messageId": "ATXid_7f3"}
                ],
            }
        },
    )

    result = gateway_for(africastalking_channel).send(REPORTER, "Asante. Nambari: KF-7QX3")

    assert result.gateway_message_id == "ATXid_7f3"
    [call] = gateway_http.calls
    assert call.request.headers["apiKey"] == "fake-at-api-key"
    assert parse_qs(call.request.body) == {
        "username": ["madini-test"],
        "to": [REPORTER],
        "message": ["Asante. Nambari: KF-7QX3"],
        "from": ["+243990000100"],
        "bulkSMSMode": ["1"],
    }


def test_a_number_at_refuses_for_good_is_a_permanent_failure_that_does_not_quote_it(africastalking_channel, gateway_http):
    gateway_http.post(
        SEND_URL,
        status=201,
        json={
            "SMSMessageData": {
                "Message": "Sent to 0/1 Total Cost: 0",
                "Recipients": [{"statusCode": 403, "number": REPORTER, "status": "InvalidPhoneNumber", "cost": "0", "messageId": "None"}],
            }
        },
    )

    with pytest.raises(SendFailed) as failure:
        gateway_for(africastalking_channel).send(REPORTER, "Asante")

    assert failure.value.permanent
    assert "InvalidPhoneNumber" in str(failure.value)
    assert REPORTER.lstrip("+") not in str(failure.value)


def test_a_refused_request_is_a_failure_worth_retrying(africastalking_channel, gateway_http):
    gateway_http.post(SEND_URL, status=401, body="The supplied authentication is invalid")

    with pytest.raises(SendFailed) as failure:
        gateway_for(africastalking_channel).send(REPORTER, "Asante")

    assert not failure.value.permanent
    assert "authentication is invalid" in str(failure.value)
