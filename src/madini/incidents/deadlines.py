"""Response deadlines per severity (settings), and whether an incident met them."""

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from madini.incidents.models import Incident

Status = Incident.Status
WAITING_FOR_RESOLUTION = (Status.VALIDATED, Status.IN_FOLLOW_UP)


def _days(table, severity):
    return datetime.timedelta(days=table[severity or settings.MADINI_DEFAULT_SEVERITY])


def validation_due(incident):
    return incident.created_at + _days(settings.MADINI_VALIDATION_DEADLINE_DAYS, incident.severity)


def resolution_due(incident):
    if incident.validated_at is None:
        return None
    return incident.validated_at + _days(settings.MADINI_RESOLUTION_DEADLINE_DAYS, incident.severity)


def overdue(incident, now=None):
    """'validation' or 'resolution' when the incident is past that deadline and still waiting; else None."""
    now = now or timezone.now()
    if incident.status == Status.RECEIVED and validation_due(incident) < now:
        return "validation"
    due = resolution_due(incident)
    if incident.status in (Status.VALIDATED, Status.IN_FOLLOW_UP) and due is not None and due < now:
        return "resolution"
    return None


def validated_in_time(incident):
    if incident.validated_at is None:
        return None
    return incident.validated_at <= validation_due(incident)


def resolved_in_time(incident):
    if incident.status not in (Status.RESOLVED, Status.UNRESOLVED) or None in (incident.closed_at, incident.validated_at):
        return None
    return incident.closed_at <= resolution_due(incident)


def overdue_condition(now=None):
    """The query twin of deadlines.overdue: past the validation or resolution deadline and still waiting.

    Deadlines depend on the severity, so there is one condition per severity (no severity yet counts
    as the default one, as in madini.incidents.deadlines).
    """
    now = now or timezone.now()
    validation_days = settings.MADINI_VALIDATION_DEADLINE_DAYS
    resolution_days = settings.MADINI_RESOLUTION_DEADLINE_DAYS
    condition = Q(pk__in=[])
    for severity in (*validation_days, None):
        days_for = settings.MADINI_DEFAULT_SEVERITY if severity is None else severity
        this_severity = Q(severity__isnull=True) if severity is None else Q(severity=severity)
        validation_missed = Q(
            status=Status.RECEIVED, created_at__lt=now - datetime.timedelta(days=validation_days[days_for])
        )
        resolution_missed = Q(
            status__in=WAITING_FOR_RESOLUTION,
            validated_at__lt=now - datetime.timedelta(days=resolution_days[days_for]),
        )
        condition |= this_severity & (validation_missed | resolution_missed)
    return condition
