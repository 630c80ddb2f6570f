"""Read paths for incidents and their categories."""

from madini.incidents.models import Incident, IncidentCategory

# A case is open until it is closed one way or another; messages from its reporter join it.
CLOSED_STATUSES = (
    Incident.Status.REJECTED,
    Incident.Status.DUPLICATE,
    Incident.Status.RESOLVED,
    Incident.Status.UNRESOLVED,
)


def sms_menu_categories():
    """The categories offered in the SMS menu, in menu order."""
    offered = IncidentCategory.objects.filter(parent=None, active=True, menu_order__isnull=False)
    return list(offered.order_by("menu_order", "code"))


def open_incident_of(reporter):
    """The reporter's most recent incident that is still open, or None."""
    return (
        Incident.objects.filter(reporter=reporter)
        .exclude(status__in=CLOSED_STATUSES)
        .order_by("-created_at", "-id")
        .first()
    )


def incidents_reported_since(reporter, since):
    return Incident.objects.filter(reporter=reporter, created_at__gte=since).count()
