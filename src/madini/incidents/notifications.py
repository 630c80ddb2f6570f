"""Email to the network: new incidents to the organisations covering their province (at once, or in
a daily digest), and overdue incidents to the coordinators, each exactly once."""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from madini.incidents.deadlines import overdue
from madini.incidents.models import Incident
from madini.incidents.permissions import visible_incidents
from madini.network.models import Membership

logger = logging.getLogger(__name__)
Role = Membership.Role


def incident_url(incident):
    return settings.MADINI_PUBLIC_BASE_URL.rstrip("/") + reverse("casework:incident", args=[incident.reference])


def members_covering(incident):
    """Active CSO members whose organisation covers the incident's province or has the case assigned."""
    covering = Q(memberships__organisation__provinces=incident.province_id) if incident.province_id else Q(pk__in=[])
    if incident.organisation_id:
        covering |= Q(memberships__organisation=incident.organisation_id)
    return (
        get_user_model().objects.filter(
            covering, is_active=True, memberships__role=Role.CSO_MEMBER, memberships__organisation__active=True
        )
        .exclude(email="")
        .distinct()
    )


def notify_new_incident(incident):
    """One email to each covering member who has not chosen the daily digest. Returns how many."""
    digest_readers = Membership.objects.filter(role=Role.CSO_MEMBER, daily_digest=True).values("user_id")
    recipients = list(members_covering(incident).exclude(pk__in=digest_readers))
    for user in recipients:
        _send(user, "new_incident", {"incident": incident, "url": incident_url(incident)})
    return len(recipients)


def send_daily_digest(now=None):
    """For members who chose it: the incidents of the last 24 hours they can see. Returns emails sent."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=1)
    sent = 0
    users = get_user_model().objects.filter(
        is_active=True, memberships__daily_digest=True, memberships__role=Role.CSO_MEMBER
    ).exclude(email="").distinct()
    for user in users:
        incidents = list(
            visible_incidents(user).filter(created_at__gte=since, created_at__lt=now).select_related("category")
        )
        if incidents:
            _send(user, "digest", {"incidents": [(incident, incident_url(incident)) for incident in incidents]})
            sent += 1
    return sent


def coordinators():
    return (
        get_user_model().objects.filter(is_active=True, memberships__role=Role.COORDINATOR)
        .exclude(email="")
        .distinct()
    )


def escalate_overdue(now=None):
    """Flag and escalate every incident newly past a deadline, exactly once per deadline.

    The flag is set with a conditional UPDATE before the email goes: two runs at once cannot both
    escalate one incident. Returns the escalated incidents.
    """
    now = now or timezone.now()
    escalated = []
    waiting = Incident.objects.filter(
        Q(status=Incident.Status.RECEIVED, validation_escalated_at__isnull=True)
        | Q(status__in=[Incident.Status.VALIDATED, Incident.Status.IN_FOLLOW_UP], resolution_escalated_at__isnull=True)
    ).select_related("category", "province")
    for incident in waiting:
        deadline = overdue(incident, now)
        if deadline is None:
            continue
        flag = f"{deadline}_escalated_at"
        claimed = Incident.objects.filter(pk=incident.pk, **{f"{flag}__isnull": True}).update(**{flag: now})
        if claimed:
            escalated.append((incident, deadline))
    if escalated:
        for user in coordinators():
            _send(user, "escalation", {
                "escalated": [(incident, deadline, incident_url(incident)) for incident, deadline in escalated]
            })
    return [incident for incident, _ in escalated]


def _send(user, template, context):
    # Emails go in the platform's language: users have no language of their own yet.
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"casework/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"casework/email/{template}.txt", context)
    send_mail(subject, body, None, [user.email])

