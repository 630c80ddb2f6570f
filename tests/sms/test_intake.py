"""Inbound SMS through every gateway: stored once, pseudonymised, committed before the 2xx; refused
requests store nothing; a database outage answers 503 and the gateway's retry is stored once.

Tests taking `channel` run once per gateway, with that gateway's real payloads (tests/sms/conftest.py).
"""

import io
import json
import logging
import threading
import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from django.views.debug import ExceptionReporter
from django_tasks_db.models import DBTaskResult
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from madini.sms.anonymity import decrypt_number, pseudonym, reporter_for_number
from madini.sms.gateways.base import IncomingMessage
from madini.sms.intake import receive
from madini.sms.models import Channel, InboundMessage, InboundPart, OutboundMessage, Reporter
from madini.sms.tasks import process_waiting

REPORTER = "+243990000001"  # fake
OTHER_REPORTER = "+243990000002"  # fake
# As in production: tasks are rows of this database, run by `madini db_worker`.
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}
SENDER_FIELD = {"africastalking": "from", "twilio": "From", "vonage": "msisdn", "smssync": "from", "generic": "from"}


def test_an_authentic_message_is_stored_with_a_pseudonym_instead_of_the_number(
    client, channel, deliver, number_forms, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as processing:
        response = deliver(client, channel, REPORTER, "Kufatilia")

    assert response.status_code == 200
    message = InboundMessage.objects.get()
    assert (message.channel, message.text, message.status) == (channel, "Kufatilia", InboundMessage.Status.RECEIVED)
    assert message.reporter.pseudonym == pseudonym(REPORTER)
    assert decrypt_number(message.reporter.encrypted_number) == REPORTER
    stored_payload = json.dumps(message.raw_payload)
    assert not any(form in stored_payload for form in number_forms(REPORTER))
    assert f"reporter:{message.reporter.pseudonym[:12]}" in stored_payload
    assert len(processing) == 1


def test_the_same_message_delivered_twice_is_stored_and_processed_once(
    client, channel, deliver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as processing:
        first = deliver(client, channel, REPORTER, "Kufatilia", message_id="retried-0001")
        again = deliver(client, channel, REPORTER, "Kufatilia", message_id="retried-0001")

    assert (first.status_code, again.status_code) == (200, 200)
    assert InboundMessage.objects.count() == 1
    assert len(processing) == 1


def test_gateways_post_without_a_csrf_token(channel, deliver):
    response = deliver(Client(enforce_csrf_checks=True), channel, REPORTER, "Kufatilia")

    assert response.status_code == 200
    assert InboundMessage.objects.count() == 1


def test_a_returning_reporter_is_recognised(client, channel, deliver):
    deliver(client, channel, REPORTER, "Kufatilia")
    deliver(client, channel, REPORTER, "2")
    deliver(client, channel, OTHER_REPORTER, "Kufatilia")

    assert Reporter.objects.count() == 2
    assert InboundMessage.objects.filter(reporter__pseudonym=pseudonym(REPORTER)).count() == 2


def test_a_forged_message_is_refused_and_nothing_is_stored(client, channel, deliver, sms_rows):
    response = deliver(client, channel, REPORTER, "Kufatilia", secret="not-the-channel-secret")

    assert response.status_code == 403
    assert set(sms_rows().values()) == {0}


def test_a_message_for_an_unknown_channel_is_refused_and_nothing_is_stored(client, channel, deliver, sms_rows):
    channel.uuid = uuid.uuid4()  # not saved: no such channel

    response = deliver(client, channel, REPORTER, "Kufatilia")

    assert response.status_code == 404
    assert set(sms_rows().values()) == {0}


def test_a_message_for_an_inactive_channel_is_refused_and_nothing_is_stored(client, channel, deliver, sms_rows):
    channel.active = False
    channel.save()

    response = deliver(client, channel, REPORTER, "Kufatilia")

    assert response.status_code == 404
    assert set(sms_rows().values()) == {0}


def test_a_channel_deactivated_after_taking_messages_takes_no_more(client, channel, deliver):
    assert deliver(client, channel, REPORTER, "Kufatilia").status_code == 200
    channel.active = False
    channel.save()

    response = deliver(client, channel, REPORTER, "2")

    assert response.status_code == 404
    assert list(InboundMessage.objects.values_list("text", flat=True)) == ["Kufatilia"]


def test_a_new_channel_secret_applies_at_once(client, channel, deliver):
    old_secret = channel.secret
    assert deliver(client, channel, REPORTER, "Kufatilia").status_code == 200
    channel.secret = "a-new-secret-0002"
    channel.save()

    assert deliver(client, channel, REPORTER, "2", secret=old_secret).status_code == 403
    assert deliver(client, channel, REPORTER, "3").status_code == 200
    assert list(InboundMessage.objects.values_list("text", flat=True)) == ["Kufatilia", "3"]


def test_a_message_with_nul_characters_is_stored_without_them(client, channel, deliver):
    response = deliver(client, channel, REPORTER, "Shimo\x00 limeporomoka\x00")

    assert response.status_code == 200
    message = InboundMessage.objects.get()
    assert message.text == "Shimo limeporomoka"
    assert "\\u0000" not in json.dumps(message.raw_payload)


def test_lone_surrogates_in_a_json_message_are_dropped(client, generic_channel, deliver):
    response = deliver(client, generic_channel, REPORTER, "Mgodi\ud800 umeanguka \U0001f622")

    assert response.status_code == 200
    assert InboundMessage.objects.get().text == "Mgodi umeanguka \U0001f622"


def test_a_reporter_whose_number_was_erased_has_it_stored_again_on_writing_again(client, channel, deliver):
    Reporter.objects.filter(pk=reporter_for_number(REPORTER, "CD").pk).update(
        encrypted_number=None, number_erased_at=timezone.now()
    )

    assert deliver(client, channel, REPORTER, "Kufatilia").status_code == 200

    reporter = Reporter.objects.get()
    assert decrypt_number(reporter.encrypted_number) == REPORTER and reporter.number_erased_at is None


def test_a_forged_delivery_report_is_refused(client, channel, report_delivery):
    message = queued_reply(channel, status=OutboundMessage.Status.SENT, gateway_message_id="gw-1")

    response = report_delivery(client, channel, "gw-1", delivered=False, secret="not-the-channel-secret")

    assert response.status_code == 403
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.SENT


def test_a_delivery_report_marks_the_reply_delivered(client, channel, report_delivery):
    pytest.importorskip("madini.sms.outbound", reason="apply_delivery_reports belongs to the outbound queue")
    message = queued_reply(channel, status=OutboundMessage.Status.SENT, gateway_message_id="gw-1")

    response = report_delivery(client, channel, "gw-1", delivered=True)

    assert response.status_code == 200
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.DELIVERED


def queued_reply(channel, **fields):
    reporter = reporter_for_number(REPORTER, "CD")
    return OutboundMessage.objects.create(channel=channel, reporter=reporter, text="Asante", sent_at=timezone.now(), **fields)


def test_a_message_without_a_sender_is_refused_as_malformed(client, channel, deliver, sms_rows):
    response = deliver(client, channel, REPORTER, "Kufatilia", extra={SENDER_FIELD[channel.gateway]: ""})

    assert response.status_code == 400
    assert set(sms_rows().values()) == {0}


def test_a_message_from_a_named_sender_is_acknowledged_but_not_kept(client, channel, deliver, sms_rows):
    response = deliver(client, channel, "Vodacom", "Promo: 100 MB offerts")

    assert response.status_code == 200
    assert set(sms_rows().values()) == {0}


def test_no_log_line_holds_the_number(client, channel, deliver, number_forms, caplog):
    caplog.set_level(logging.DEBUG)

    deliver(client, channel, REPORTER, "Kufatilia", message_id="logged-0001")
    deliver(client, channel, REPORTER, "Kufatilia", message_id="logged-0001")
    deliver(client, channel, REPORTER, "Kufatilia", secret="forged")

    assert caplog.records
    assert not any(form in caplog.text for form in number_forms(REPORTER))


def test_a_flood_of_callbacks_is_throttled(client, channel, deliver, settings):
    settings.MADINI_SMS_WEBHOOK_RATE = "3/min"

    statuses = [deliver(client, channel, REPORTER, f"message {n}").status_code for n in range(4)]

    assert statuses == [200, 200, 200, 429]
    assert InboundMessage.objects.count() == 3


def test_a_flood_of_forgeries_does_not_lock_the_gateway_out(client, channel, deliver, settings):
    settings.MADINI_SMS_WEBHOOK_RATE = "3/min"
    forger = Client(REMOTE_ADDR="203.0.113.9")

    statuses = [deliver(forger, channel, REPORTER, "spam", secret="guess").status_code for _ in range(5)]

    assert statuses == [403, 403, 403, 429, 429]
    assert deliver(client, channel, REPORTER, "Kufatilia").status_code == 200


def test_an_error_report_never_shows_the_number(client, vonage_channel, deliver, number_forms, settings, caplog):
    settings.DEBUG = False
    # Misconfigured: verifying a signature needs the api_key. (The gateway still signs as Vonage does.)
    Channel.objects.filter(pk=vonage_channel.pk).update(config={})
    client.raise_request_exception = False

    response = deliver(client, vonage_channel, REPORTER, "Kufatilia")

    assert response.status_code == 500
    [record] = [record for record in caplog.records if record.name == "django.request"]
    report = ExceptionReporter(record.request, *record.exc_info).get_traceback_text()
    assert "ImproperlyConfigured" in report
    assert not any(form in report for form in number_forms(REPORTER))


@pytest.mark.django_db(transaction=True)
def test_a_database_outage_answers_503_and_the_retry_is_stored_once(
    client, channel, deliver, database_outage, number_forms, caplog
):
    with database_outage():
        refused = deliver(client, channel, REPORTER, "Kufatilia", message_id="outage-0001")

    assert refused.status_code == 503
    assert InboundMessage.objects.count() == 0
    retried = deliver(client, channel, REPORTER, "Kufatilia", message_id="outage-0001")
    again = deliver(client, channel, REPORTER, "Kufatilia", message_id="outage-0001")
    assert (retried.status_code, again.status_code) == (200, 200)
    assert InboundMessage.objects.get().text == "Kufatilia"
    assert "Database unavailable" in caplog.text
    assert not any(form in caplog.text for form in number_forms(REPORTER))


def part(ref, total, number, text, message_id=None):
    return IncomingMessage(
        gateway_message_id=message_id or f"{ref}-{number}",
        sender=REPORTER,
        text=text,
        raw_payload={"msisdn": REPORTER.lstrip("+"), "text": text},
        concat_ref=ref,
        total_parts=total,
        part_number=number,
    )


@given(order=st.permutations([1, 2, 3, 4]), repeated=st.lists(st.integers(1, 4), max_size=3))
@hypothesis_settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_parts_in_any_order_and_repeated_make_one_message_in_order(generic_channel, order, repeated):
    ref = uuid.uuid4().hex[:8]
    texts = {1: "Ajali ", 2: "ya shimo ", 3: "huko ", 4: "Kamituga"}

    for number in order + repeated:
        receive(generic_channel, [part(ref, 4, number, texts[number])])

    [message] = InboundMessage.objects.filter(gateway_message_id=f"concat:{ref}-1")
    assert message.text == "Ajali ya shimo huko Kamituga"
    assert [p["text"] for p in message.raw_payload["parts"]] == [texts[n] for n in (1, 2, 3, 4)]
    assert InboundPart.objects.filter(concat_ref=ref, message=message).count() == 4


def test_a_message_is_not_stored_while_a_part_is_missing(generic_channel):
    assert receive(generic_channel, [part("17", 2, 2, "Kamituga")]) == []

    assert InboundMessage.objects.count() == 0
    assert InboundPart.objects.get().message is None


def test_a_concat_reference_used_again_later_starts_a_new_message(generic_channel):
    receive(generic_channel, [part("17", 2, 1, "Kufa", "a1"), part("17", 2, 2, "tilia", "a2")])
    receive(generic_channel, [part("17", 2, 2, "Kamituga", "b2"), part("17", 2, 1, "Shabunda ", "b1")])

    assert list(InboundMessage.objects.values_list("text", flat=True)) == ["Kufatilia", "Shabunda Kamituga"]


def test_a_part_delivered_again_after_joining_changes_nothing(generic_channel, django_capture_on_commit_callbacks):
    receive(generic_channel, [part("9", 2, 1, "Kufa"), part("9", 2, 2, "tilia")])

    with django_capture_on_commit_callbacks() as processing:
        [message] = receive(generic_channel, [part("9", 2, 2, "tilia")])

    assert message.text == "Kufatilia"
    assert (InboundMessage.objects.count(), InboundPart.objects.count(), len(processing)) == (1, 2, 0)


def test_parts_of_two_reporters_with_the_same_reference_are_not_mixed(generic_channel):
    theirs = IncomingMessage("x1", OTHER_REPORTER, "Habari ", {}, concat_ref="5", total_parts=2, part_number=1)
    receive(generic_channel, [part("5", 2, 1, "Kufa"), theirs, part("5", 2, 2, "tilia")])

    assert InboundMessage.objects.get().text == "Kufatilia"


@pytest.mark.django_db(transaction=True)
def test_parts_arriving_at_the_same_moment_are_joined_once(generic_channel):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need a database server; SQLite serialises them by design")
    parts = [part("77", 6, number, f"{number} ") for number in (4, 2, 6, 1, 5, 3)]
    barrier = threading.Barrier(len(parts))

    def deliver_part(incoming):
        try:
            barrier.wait()
            receive(generic_channel, [incoming])
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver_part, args=(incoming,)) for incoming in parts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert InboundMessage.objects.get().text == "1 2 3 4 5 6 "


def processing_tasks():
    return DBTaskResult.objects.filter(task_path=process_waiting.module_path)


def test_with_tasks_in_the_database_every_message_is_stored_with_a_task_due_after_it(
    client, channel, deliver, settings
):
    settings.TASKS = DATABASE_TASKS

    for text in ("Kufatilia", "1", "jana"):
        assert deliver(client, channel, REPORTER, text).status_code == 200
    tasks_before_a_retry = processing_tasks().count()
    assert deliver(client, channel, REPORTER, "jana", message_id=InboundMessage.objects.last().gateway_message_id).status_code == 200

    assert processing_tasks().count() == tasks_before_a_retry
    messages = InboundMessage.objects.all()
    assert [message.text for message in messages] == ["Kufatilia", "1", "jana"]
    assert all(processing_tasks().filter(run_after__gt=message.received_at).exists() for message in messages)
    assert {message.status for message in messages} == {InboundMessage.Status.RECEIVED}  # the worker answers


@pytest.mark.django_db(transaction=True)
def test_the_worker_answers_a_message_stored_with_tasks_in_the_database(client, smssync_channel, deliver, settings):
    settings.TASKS = DATABASE_TASKS
    deliver(client, smssync_channel, REPORTER, "Kufatilia")
    processing_tasks().update(run_after=timezone.now())  # the moment the task was due for has come

    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO(), stderr=io.StringIO())

    message = InboundMessage.objects.get()
    assert message.status == InboundMessage.Status.PROCESSED
    assert message.replies.get().text.startswith("Kufatilia. Lugha/Langue/Language:")
