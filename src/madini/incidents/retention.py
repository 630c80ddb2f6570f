"""Retention: a reporter's encrypted reply number is erased once nothing needs it any more."""

import datetime

from django.conf import settings
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from madini.incidents.models import OPEN_STATUSES, Incident
from madini.sms.models import Reporter, Session


def reporters_due_for_erasure(now=None):
    """Reporters with a stored number, no open incident and no active questionnaire, whose last case
    closed (and who last wrote) longer ago than the retention period."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.MADINI_REPLY_NUMBER_RETENTION_DAYS)
    open_incident = Incident.objects.filter(reporter=OuterRef("pk"), status__in=OPEN_STATUSES)
    active_session = Session.objects.filter(reporter=OuterRef("pk"), status=Session.Status.ACTIVE)
    return (
        Reporter.objects.filter(encrypted_number__isnull=False)
        .annotate(
            last_closed=Max("incidents__closed_at"),
            last_wrote=Max("inbound_messages__received_at"),
        )
        .exclude(Exists(open_incident))
        .exclude(Exists(active_session))
        .filter(Q(last_closed__isnull=True) | Q(last_closed__lte=cutoff))
        .filter(Q(last_wrote__isnull=True) | Q(last_wrote__lte=cutoff))
    )


def erase_due_reply_numbers(now=None):
    """Erase the numbers that are due; returns how many were erased."""
    now = now or timezone.now()
    due = list(reporters_due_for_erasure(now).values_list("pk", flat=True))
    return Reporter.objects.filter(pk__in=due, encrypted_number__isnull=False).update(
        encrypted_number=None, number_erased_at=now
    )

