"""SMSSync: inbound sync and the task protocol for outbound messages (formats: SMSSync's developer
documentation and its source, data/net/MessageHttpClient.java and data/process/ProcessMessageResult.java)."""

import datetime
import json

import pytest
from django.urls import reverse

from madini.sms.anonymity import reporter_for_number
from madini.sms.gateways.base import DeliveryReport, gateway_for
from madini.sms.models import InboundMessage, OutboundMessage

REPORTER = "+243990000001"  # fake
OTHER_REPORTER = "+243990000002"  # fake
SUCCESS = {"payload": {"success": True, "error": None}}


def test_the_millisecond_timestamp_is_read_as_the_moment_it_is(client, smssync_channel, deliver):
    sent_at = datetime.datetime(2024, 5, 3, 6, 4, 45, tzinfo=datetime.timezone.utc)

    deliver(client, smssync_channel, REPORTER, "Kufatilia", sent_at=sent_at)

    message = InboundMessage.objects.get()
    assert message.sent_at == sent_at
    assert message.raw_payload["sent_timestamp"] == "1714716285000"


def test_success_is_answered_for_a_stored_message_and_the_secret_is_not_kept(client, smssync_channel, deliver):
    response = deliver(client, smssync_channel, REPORTER, "Kufatilia")

    assert response.json() == SUCCESS
    assert "secret" not in InboundMessage.objects.get().raw_payload


def test_a_wrong_secret_is_answered_as_a_failure(client, smssync_channel, deliver):
    response = deliver(client, smssync_channel, REPORTER, "Kufatilia", secret="guess")

    assert response.status_code == 403
    assert response.json()["payload"]["success"] is False


@pytest.mark.django_db(transaction=True)
def test_a_message_not_stored_is_not_acknowledged_so_the_phone_keeps_it(
    client, smssync_channel, deliver, database_outage
):
    with database_outage():
        response = deliver(client, smssync_channel, REPORTER, "Kufatilia", message_id="kept-on-phone")

    # MessageHttpClient.java: any status but 200/201 is a failed sync; the phone keeps the message.
    assert response.status_code == 503
    assert InboundMessage.objects.count() == 0
    assert deliver(client, smssync_channel, REPORTER, "Kufatilia", message_id="kept-on-phone").json() == SUCCESS
    assert InboundMessage.objects.count() == 1


def test_the_json_sync_scheme_is_accepted(client, smssync_channel):
    body = {"from": REPORTER, "message": "Matokeo", "message_id": "m-1", "secret": smssync_channel.secret, "sent_timestamp": "1714716285000"}

    response = client.post(reverse("sms:receive", args=[smssync_channel.uuid]), json.dumps(body), content_type="application/json")

    assert response.json() == SUCCESS
    assert InboundMessage.objects.get().text == "Matokeo"


def queue(channel, number, text):
    return OutboundMessage.objects.create(channel=channel, reporter=reporter_for_number(number, "CD"), text=text)


def task(client, channel, name, method="get", body=None, secret=None):
    url = reverse("sms:receive", args=[channel.uuid]) + f"?task={name}"
    if secret is not False:
        url += f"&secret={secret or channel.secret}"
    if method == "get":
        return client.get(url)
    return client.post(url, json.dumps(body), content_type="application/json")


def test_sending_only_leaves_the_message_for_the_phone(smssync_channel):
    result = gateway_for(smssync_channel).send(REPORTER, "Asante")

    assert result.awaiting_device
    assert result.gateway_message_id == ""


def test_the_phone_fetches_queued_messages_with_their_numbers(client, smssync_channel):
    first = queue(smssync_channel, REPORTER, "Chagua lugha: 1 Kiswahili 2 Français 3 English")
    second = queue(smssync_channel, OTHER_REPORTER, "Asante. Nambari: KF-7QX3")
    OutboundMessage.objects.filter(pk=second.pk).update(status=OutboundMessage.Status.DELIVERED)

    payload = task(client, smssync_channel, "send").json()["payload"]

    assert (payload["task"], payload["secret"]) == ("send", smssync_channel.secret)
    [message] = payload["messages"]
    assert (message["to"], message["message"]) == (REPORTER, first.text)
    assert message["uuid"].startswith(f"{first.id}-")


def test_the_phone_must_know_the_secret_to_fetch_messages(client, smssync_channel):
    queue(smssync_channel, REPORTER, "Asante")

    response = task(client, smssync_channel, "send", secret="guess")

    assert response.status_code == 403
    assert REPORTER.encode() not in response.content


def test_messages_the_phone_queued_are_marked_sent_and_not_offered_again(client, smssync_channel):
    message = queue(smssync_channel, REPORTER, "Asante")
    [offered] = task(client, smssync_channel, "send").json()["payload"]["messages"]

    answer = task(client, smssync_channel, "sent", "post", {"queued_messages": [offered["uuid"], f"{message.id}-forged"]}, secret=False)

    assert answer.json() == {"message_uuids": [offered["uuid"]]}
    message.refresh_from_db()
    assert (message.status, message.gateway_message_id) == (OutboundMessage.Status.SENT, offered["uuid"])
    assert message.sent_at is not None
    assert task(client, smssync_channel, "send").json()["payload"]["messages"] == []
    assert task(client, smssync_channel, "result").json() == {"message_uuids": [offered["uuid"]]}


def test_a_forged_uuid_marks_nothing_sent(client, smssync_channel):
    message = queue(smssync_channel, REPORTER, "Asante")

    task(client, smssync_channel, "sent", "post", {"queued_messages": [f"{message.id}-0000000000"]}, secret=False)

    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.QUEUED


def test_the_delivery_results_of_the_phone_are_read(rf, smssync_channel, report_delivery):
    request = report_delivery(rf, smssync_channel, "12-abc", delivered=True)
    gateway = gateway_for(smssync_channel)

    gateway.verify(request)
    assert gateway.parse_status(request) == [DeliveryReport("12-abc", True, False, "SMS Delivered")]


def test_an_unknown_task_is_refused(client, smssync_channel):
    assert task(client, smssync_channel, "reboot").status_code == 400
