"""Outbound SMS: queued, sent once through the gateway's official SDK (its HTTP intercepted), retried
with growing delays, throttled per channel, updated by delivery reports, never leaking the number.

Time passing is played by moving a message's next attempt (or its hand-over) into the past.
"""

import datetime
import threading
from io import StringIO
from urllib.parse import parse_qs

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from madini.sms.anonymity import reporter_for_number
from madini.sms.gateways.base import DeliveryReport
from madini.sms.models import InboundMessage, OutboundMessage
from madini.sms.outbound import apply_delivery_reports, queue_message, send_due_messages, send_outbound

REPORTER = "+243990000001"  # fake
AT_SEND_URL = "https://api.africastalking.com/version1/messaging"
TWILIO_SEND_URL = f"https://api.twilio.com/2010-04-01/Accounts/AC{'0' * 32}/Messages.json"
Status = OutboundMessage.Status


def at_accepts(gateway_http, message_id="ATXid_1"):
    recipient = {"statusCode": 101, "number": REPORTER, "status": "Success", "cost": "USD 0.0200", "messageId": message_id}
    gateway_http.post(
        AT_SEND_URL,
        status=201,
        json={"SMSMessageData": {"Message": "Sent to 1/1 Total Cost: USD 0.0200", "Recipients": [recipient]}},
    )


def twilio_accepts(gateway_http, message_id="SM" + "a" * 32):
    gateway_http.post(TWILIO_SEND_URL, status=201, json={"sid": message_id, "status": "queued", "to": REPORTER})


# Each provider's answer to a server error, as its API documents it; both quote the number here,
# as a provider's error text may.
def at_errs(gateway_http):
    gateway_http.post(AT_SEND_URL, status=500, body=f"Internal server error while sending to {REPORTER}")


def twilio_errs(gateway_http):
    gateway_http.post(
        TWILIO_SEND_URL,
        status=500,
        json={"code": 20500, "message": f"Internal error sending to {REPORTER}", "more_info": "", "status": 500},
    )


ACCEPTS = {"africastalking": at_accepts, "twilio": twilio_accepts}
ERRS = {"africastalking": at_errs, "twilio": twilio_errs}


@pytest.fixture
def reporter(db):
    return reporter_for_number(REPORTER, "CD")


@pytest.fixture
def queue(django_capture_on_commit_callbacks):
    """queue_message as a caller's transaction commits it (tasks run at once in tests)."""

    def queue_committed(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return queue_message(*args, **kwargs)

    return queue_committed


def come_due(*messages):
    OutboundMessage.objects.filter(pk__in=[message.pk for message in messages]).update(next_attempt_at=timezone.now())


def sent_message(channel, reporter, gateway_message_id):
    return OutboundMessage.objects.create(
        channel=channel, reporter=reporter, text="Asante", status=Status.SENT,
        gateway_message_id=gateway_message_id, sent_at=timezone.now(),
    )


@pytest.mark.parametrize("gateway", ["africastalking", "twilio"])
def test_a_queued_message_is_sent_once_and_marked_sent_with_the_gateway_id(
    request, gateway, reporter, gateway_http, queue
):
    channel = request.getfixturevalue(f"{gateway}_channel")
    ACCEPTS[gateway](gateway_http, message_id="gateway-id-1")

    message = queue(channel, reporter, "Asante. Nambari: KF-7QX3")
    send_outbound.call(message.pk)
    send_due_messages()

    message.refresh_from_db()
    assert (message.status, message.gateway_message_id, message.attempts) == (Status.SENT, "gateway-id-1", 0)
    assert message.sent_at is not None and message.next_attempt_at is None
    [call] = gateway_http.calls
    body = parse_qs(call.request.body)
    assert body.get("to", body.get("To")) == [REPORTER]


@pytest.mark.parametrize("gateway", ["africastalking", "twilio"])
def test_a_gateway_error_is_retried_later_each_time_then_fails_with_an_error_that_hides_the_number(
    request, gateway, reporter, gateway_http, queue, settings, number_forms, caplog
):
    settings.MADINI_SMS_SEND_MAX_ATTEMPTS = 4
    channel = request.getfixturevalue(f"{gateway}_channel")
    ERRS[gateway](gateway_http)

    attempted_at = timezone.now()
    message = queue(channel, reporter, "Asante")
    delays = []
    for attempt in (1, 2, 3):
        message.refresh_from_db()
        assert (message.status, message.attempts) == (Status.QUEUED, attempt)
        delays.append((message.next_attempt_at - attempted_at).total_seconds())
        come_due(message)
        attempted_at = timezone.now()
        send_due_messages()

    message.refresh_from_db()
    assert (message.status, message.attempts, message.next_attempt_at) == (Status.FAILED, 4, None)
    assert len(gateway_http.calls) == 4
    assert 24 <= delays[0] <= 37 and 48 <= delays[1] <= 73 and 96 <= delays[2] <= 145
    assert message.error.startswith(("Africa's Talking refused", "Twilio refused"))
    assert not any(form in message.error for form in number_forms(REPORTER))
    assert not any(form in caplog.text for form in number_forms(REPORTER))


def test_a_number_the_gateway_refuses_for_good_fails_at_the_first_attempt(
    africastalking_channel, reporter, gateway_http, queue
):
    recipient = {"statusCode": 403, "number": REPORTER, "status": "InvalidPhoneNumber", "cost": "0", "messageId": "None"}
    gateway_http.post(
        AT_SEND_URL, status=201, json={"SMSMessageData": {"Message": "Sent to 0/1", "Recipients": [recipient]}}
    )

    message = queue(africastalking_channel, reporter, "Asante")

    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.FAILED, 1)
    assert "InvalidPhoneNumber" in message.error


def test_a_network_failure_is_retried(generic_channel, reporter, gateway_http, queue):
    gateway_http.post(generic_channel.config["send_url"], body=ConnectionError("connection refused"))

    message = queue(generic_channel, reporter, "Asante")

    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.QUEUED, 1)
    assert "ConnectionError" in message.error
    assert message.next_attempt_at > timezone.now()


def test_a_message_whose_retry_is_not_yet_due_is_left_alone(africastalking_channel, reporter, gateway_http):
    later = timezone.now() + datetime.timedelta(minutes=5)
    message = OutboundMessage.objects.create(
        channel=africastalking_channel, reporter=reporter, text="Asante", next_attempt_at=later
    )

    assert send_outbound.call(message.pk) == "not due"
    assert send_due_messages() == {}

    message.refresh_from_db()
    assert (message.status, message.next_attempt_at) == (Status.QUEUED, later)
    assert len(gateway_http.calls) == 0


def test_a_retry_is_enqueued_to_run_when_the_message_is_next_due(
    africastalking_channel, reporter, gateway_http, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}
    at_errs(gateway_http)

    with django_capture_on_commit_callbacks(execute=True):
        message = queue_message(africastalking_channel, reporter, "Asante")
    [first] = DBTaskResult.objects.all()
    with django_capture_on_commit_callbacks(execute=True):
        send_outbound.call(message.pk)

    message.refresh_from_db()
    retry = DBTaskResult.objects.exclude(pk=first.pk).get()
    assert retry.run_after == message.next_attempt_at
    assert retry.args_kwargs == first.args_kwargs == {"args": [message.pk], "kwargs": {}}


def test_beyond_the_channel_limit_messages_wait_for_the_following_minutes(
    africastalking_channel, reporter, gateway_http, queue
):
    africastalking_channel.max_outbound_per_minute = 2
    africastalking_channel.save()
    at_accepts(gateway_http)

    messages = [queue(africastalking_channel, reporter, f"Ujumbe {number}") for number in range(5)]

    assert len(gateway_http.calls) == 2
    sent = OutboundMessage.objects.filter(status=Status.SENT)
    waiting = OutboundMessage.objects.filter(status=Status.QUEUED).order_by("next_attempt_at")
    assert list(sent) == messages[:2]
    first_sent_at = min(message.sent_at for message in sent)
    assert [(message.next_attempt_at - first_sent_at).total_seconds() for message in waiting] == [60, 60, 120]
    assert waiting[0].attempts == 0 and waiting[0].error == ""

    assert send_due_messages() == {}
    assert len(gateway_http.calls) == 2


def test_a_minute_later_the_waiting_messages_are_sent_up_to_the_limit(
    africastalking_channel, reporter, gateway_http, queue
):
    africastalking_channel.max_outbound_per_minute = 2
    africastalking_channel.save()
    at_accepts(gateway_http)
    for number in range(5):
        queue(africastalking_channel, reporter, f"Ujumbe {number}")

    a_minute_ago = timezone.now() - datetime.timedelta(seconds=61)
    OutboundMessage.objects.filter(status=Status.SENT).update(sent_at=a_minute_ago)
    come_due(*OutboundMessage.objects.filter(status=Status.QUEUED))
    outcomes = send_due_messages()

    assert outcomes == {"sent": 2, "throttled": 1}
    assert OutboundMessage.objects.filter(status=Status.SENT).count() == 4
    assert len(gateway_http.calls) == 4


def test_a_delivery_report_marks_the_message_delivered_and_a_repeated_report_changes_nothing(
    client, channel, reporter, report_delivery
):
    message = sent_message(channel, reporter, "gateway-id-1")

    first = report_delivery(client, channel, "gateway-id-1", delivered=True)
    message.refresh_from_db()
    delivered_at = message.delivered_at
    again = report_delivery(client, channel, "gateway-id-1", delivered=True)

    assert (first.status_code, again.status_code) == (200, 200)
    message.refresh_from_db()
    assert message.status == Status.DELIVERED
    assert message.delivered_at == delivered_at is not None


def test_a_failure_report_marks_the_message_failed_with_the_gateway_reason(
    client, channel, reporter, report_delivery, number_forms
):
    message = sent_message(channel, reporter, "gateway-id-1")

    response = report_delivery(client, channel, "gateway-id-1", delivered=False)

    assert response.status_code == 200
    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert message.error
    assert not any(form in message.error for form in number_forms(REPORTER))


def test_a_late_failure_report_does_not_undo_a_delivery(africastalking_channel, reporter):
    message = sent_message(africastalking_channel, reporter, "ATXid_1")

    counts = apply_delivery_reports(
        africastalking_channel,
        [
            DeliveryReport("ATXid_1", delivered=True, failed=False),
            DeliveryReport("ATXid_1", delivered=False, failed=True),
        ],
    )

    assert counts == {"delivered": 1, "unchanged": 1}
    message.refresh_from_db()
    assert message.status == Status.DELIVERED


def test_an_intermediate_report_changes_nothing(africastalking_channel, reporter):
    message = sent_message(africastalking_channel, reporter, "ATXid_1")

    buffered = DeliveryReport("ATXid_1", delivered=False, failed=False, detail="Buffered")

    counts = apply_delivery_reports(africastalking_channel, [buffered])

    assert counts == {"unchanged": 1}
    message.refresh_from_db()
    assert message.status == Status.SENT


def test_reports_naming_messages_of_another_channel_or_none_are_counted_as_unknown(
    africastalking_channel, twilio_channel, reporter
):
    other_channels_message = sent_message(twilio_channel, reporter, "shared-id")

    counts = apply_delivery_reports(
        africastalking_channel,
        [DeliveryReport(gateway_message_id, True, False) for gateway_message_id in ("shared-id", "never-sent", "")],
    )

    assert counts == {"unknown": 3}
    other_channels_message.refresh_from_db()
    assert other_channels_message.status == Status.SENT


def test_a_replayed_inbound_message_gets_one_reply(africastalking_channel, reporter, gateway_http, queue):
    at_accepts(gateway_http)
    inbound = InboundMessage.objects.create(
        channel=africastalking_channel, gateway_message_id="ATXin_1", reporter=reporter, text="Kufatilia", raw_payload={}
    )

    first = queue(africastalking_channel, reporter, "Karibu", in_reply_to=inbound)
    again = queue(africastalking_channel, reporter, "Karibu", in_reply_to=inbound)

    assert again == first
    assert OutboundMessage.objects.count() == 1
    assert len(gateway_http.calls) == 1


def test_nothing_is_queued_for_a_reporter_whose_number_was_erased(africastalking_channel, reporter, caplog):
    reporter.encrypted_number = None
    reporter.number_erased_at = timezone.now()
    reporter.save()

    assert queue_message(africastalking_channel, reporter, "Asante") is None

    assert OutboundMessage.objects.count() == 0
    assert "erased" in caplog.text


def test_a_message_whose_number_was_erased_while_queued_fails_without_calling_the_gateway(
    africastalking_channel, reporter, gateway_http
):
    message = OutboundMessage.objects.create(
        channel=africastalking_channel, reporter=reporter, text="Asante", next_attempt_at=timezone.now()
    )
    reporter.encrypted_number = None
    reporter.save()

    assert send_outbound.call(message.pk) == "failed"

    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert "erased" in message.error
    assert len(gateway_http.calls) == 0


def test_a_device_gateway_leaves_the_message_queued_for_the_phone_to_fetch(smssync_channel, reporter, client, queue):
    message = queue(smssync_channel, reporter, "Asante")

    message.refresh_from_db()
    assert (message.status, message.next_attempt_at, message.attempts) == (Status.QUEUED, None, 0)
    assert send_due_messages() == {}
    fetched = client.get(f"/sms/{smssync_channel.uuid}/receive", {"task": "send", "secret": smssync_channel.secret})
    assert [item["to"] for item in fetched.json()["payload"]["messages"]] == [REPORTER]


def test_send_queued_sends_the_messages_whose_task_was_lost(africastalking_channel, reporter, gateway_http):
    at_accepts(gateway_http)
    message = OutboundMessage.objects.create(
        channel=africastalking_channel, reporter=reporter, text="Asante", next_attempt_at=timezone.now()
    )
    first, second = StringIO(), StringIO()

    call_command("sms", "send-queued", stdout=first)
    call_command("sms", "send-queued", stdout=second)

    assert first.getvalue().strip() == "1 due: 1 sent."
    assert second.getvalue().strip() == "No message is due."
    message.refresh_from_db()
    assert message.status == Status.SENT


def test_nothing_is_sent_through_an_inactive_channel_and_the_message_waits_until_it_is_active_again(
    africastalking_channel, reporter, gateway_http, queue
):
    africastalking_channel.active = False
    africastalking_channel.save()
    message = queue(africastalking_channel, reporter, "Asante")

    assert send_outbound.call(message.pk) == "channel inactive"
    assert send_due_messages() == {}
    message.refresh_from_db()
    assert (message.status, message.attempts, message.sent_at) == (Status.QUEUED, 0, None)
    assert len(gateway_http.calls) == 0

    africastalking_channel.active = True
    africastalking_channel.save()
    at_accepts(gateway_http)
    assert send_due_messages() == {"sent": 1}
    message.refresh_from_db()
    assert message.status == Status.SENT


def run_at_once(count, work):
    """Run `work` in `count` threads released together, each with its own database connection."""
    barrier = threading.Barrier(count)
    results = []

    def run():
        barrier.wait()
        try:
            results.append(work())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def needs_concurrent_writers():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need a database server; SQLite serialises them by design")


@pytest.mark.django_db(transaction=True)
def test_two_workers_taking_the_same_message_at_once_send_it_once(africastalking_channel, reporter, gateway_http):
    needs_concurrent_writers()
    message = OutboundMessage.objects.create(
        channel=africastalking_channel, reporter=reporter, text="Asante", next_attempt_at=timezone.now()
    )
    at_accepts(gateway_http)

    outcomes = run_at_once(2, lambda: send_outbound.call(message.pk))

    assert sorted(outcomes) == ["not due", "sent"]
    assert len(gateway_http.calls) == 1


@pytest.mark.django_db(transaction=True)
def test_two_replies_to_the_same_message_queued_at_once_make_one_sent_once(africastalking_channel, reporter, gateway_http):
    needs_concurrent_writers()
    inbound = InboundMessage.objects.create(
        channel=africastalking_channel, gateway_message_id="ATXin_1", reporter=reporter, text="Kufatilia", raw_payload={}
    )
    at_accepts(gateway_http)

    replies = run_at_once(2, lambda: queue_message(africastalking_channel, reporter, "Karibu", in_reply_to=inbound))

    assert replies[0] == replies[1]
    assert OutboundMessage.objects.count() == 1
    assert len(gateway_http.calls) == 1
