"""Deadlines and escalation, notifications, the daily digest, and erasing reply numbers when due."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from madini.incidents import workflow
from madini.incidents.models import Incident
from madini.incidents.notifications import escalate_overdue, send_daily_digest
from madini.incidents.retention import erase_due_reply_numbers
from madini.network.models import Membership
from madini.sms.models import Reporter

pytestmark = pytest.mark.django_db
Status = Incident.Status


def test_an_overdue_incident_is_flagged_in_the_inbox_and_escalated_to_the_coordinators_exactly_once(client, users, make_incident):
    # Severity 1 must be validated within 3 days; this one waits since 4.
    late = make_incident(severity=1, created_days_ago=4)
    on_time = make_incident(severity=3, created_days_ago=4)  # 14 days for severity 3

    first = escalate_overdue()
    second = escalate_overdue()

    assert first == [late] and second == []
    assert [message.to for message in mail.outbox] == [["coord-neema@example.org"]]
    assert late.reference in mail.outbox[0].body and on_time.reference not in mail.outbox[0].body
    client.force_login(users["coordinator"])
    rows = client.get("/cases/").content.decode().split("<tr")
    assert "overdue: validation" in next(row for row in rows if late.reference in row)
    assert "overdue: validation" not in next(row for row in rows if on_time.reference in row)


def test_a_validated_incident_not_resolved_in_time_is_escalated_once_for_resolution(users, make_incident):
    incident = make_incident()
    workflow.move(incident, Status.VALIDATED, users["coordinator"], severity=1)
    Incident.objects.filter(pk=incident.pk).update(validated_at=timezone.now() - datetime.timedelta(days=31))

    assert escalate_overdue() == [incident]
    assert escalate_overdue() == []
    assert "not resolved in time" in mail.outbox[0].body


def test_the_escalation_command_reports_what_it_escalated(make_incident, users):
    late = make_incident(severity=1, created_days_ago=10)

    output = __import__("io").StringIO()
    call_command("escalate_overdue", stdout=output)

    assert late.reference in output.getvalue()


def test_members_who_chose_the_digest_get_one_email_a_day_instead_of_one_per_incident(users, make_incident, django_capture_on_commit_callbacks):
    Membership.objects.filter(user=users["cso_member"]).update(daily_digest=True)
    from madini.incidents.services import announce

    with django_capture_on_commit_callbacks(execute=True):
        first, second = make_incident(), make_incident()
        announce(first)
        announce(second)
    assert mail.outbox == []

    assert send_daily_digest() == 1
    assert mail.outbox[0].to == ["cso-baraka@example.org"]
    assert first.reference in mail.outbox[0].body and second.reference in mail.outbox[0].body


def close(incident, user, days_ago):
    workflow.move(incident, Status.REJECTED, user, reason="not an incident")
    Incident.objects.filter(pk=incident.pk).update(closed_at=timezone.now() - datetime.timedelta(days=days_ago))


def age_messages(reporter, days_ago):
    reporter.inbound_messages.update(received_at=timezone.now() - datetime.timedelta(days=days_ago))


def test_retention_erases_only_the_reply_numbers_that_are_due(users, sms_incident, make_incident):
    from madini.sms.anonymity import reporter_for_number

    due_incident = sms_incident()
    due = due_incident.reporter
    close(due_incident, users["coordinator"], days_ago=91)
    age_messages(due, 91)
    # Another reporter whose case closed only 10 days ago: kept.
    recent = reporter_for_number("+243990000032", "CD")  # fake number
    close(make_incident(reporter=recent), users["coordinator"], days_ago=10)

    output = __import__("io").StringIO()
    call_command("erase_reply_numbers", stdout=output)

    assert "1 reply number(s) erased" in output.getvalue()
    assert Reporter.objects.get(pk=due.pk).encrypted_number is None
    assert Reporter.objects.get(pk=due.pk).number_erased_at is not None
    assert Reporter.objects.get(pk=recent.pk).encrypted_number is not None
    assert erase_due_reply_numbers() == 0


def test_a_reporter_with_a_case_still_open_keeps_their_number_however_old(users, sms_incident):
    incident = sms_incident()
    Incident.objects.filter(pk=incident.pk).update(created_at=timezone.now() - datetime.timedelta(days=400))
    age_messages(incident.reporter, 400)

    assert erase_due_reply_numbers() == 0
    assert Reporter.objects.get(pk=incident.reporter_id).encrypted_number is not None
