"""Read paths for incidents and their categories."""

import datetime
import math

from django.conf import settings
from django.db.models import Q

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


# Case management: the inbox and the incident page.

INBOX_PAGE_SIZE = 50
NEARBY_KM = 10
NEARBY_DAYS = 90
KM_PER_DEGREE = 111.32


def inbox(user, status=None, category=None, province=None, date_from=None, date_to=None, only_new=False):
    """The incidents `user` may see, newest first, narrowed by the inbox filters."""
    from madini.incidents.permissions import visible_incidents

    incidents = visible_incidents(user).select_related("category", "province", "territory", "organisation", "site")
    if only_new:
        incidents = incidents.filter(status=Incident.Status.RECEIVED)
    if status:
        incidents = incidents.filter(status=status)
    if category is not None:
        incidents = incidents.filter(Q(category=category) | Q(category__parent=category))
    if province is not None:
        incidents = incidents.filter(province=province)
    if date_from:
        incidents = incidents.filter(created_at__date__gte=date_from)
    if date_to:
        incidents = incidents.filter(created_at__date__lte=date_to)
    return incidents.order_by("-created_at", "-id")


def transcript(incident):
    """The conversation of the incident and of the duplicates merged into it, oldest first.

    Each entry: (time, direction "in"/"out", text, reference of the incident it was filed under).
    """
    from madini.sms.models import InboundMessage, OutboundMessage

    references = dict(
        Incident.objects.filter(Q(pk=incident.pk) | Q(merged_into=incident)).values_list("pk", "reference")
    )
    entries = [
        (message.received_at, "in", message.text, references[message.incident_id])
        for message in InboundMessage.objects.filter(incident_id__in=references)
    ]
    entries += [
        (message.created_at, "out", message.text, references[message.incident_id], message.get_status_display())
        for message in OutboundMessage.objects.filter(incident_id__in=references)
    ]
    return sorted(
        ({"at": entry[0], "direction": entry[1], "text": entry[2], "reference": entry[3],
          "status": entry[4] if len(entry) > 4 else ""} for entry in entries),
        key=lambda entry: entry["at"],
    )


def incident_point(incident):
    """(longitude, latitude) of the incident, or of its site; None when it has neither."""
    if incident.longitude is not None and incident.latitude is not None:
        return incident.longitude, incident.latitude
    if incident.site_id:
        return incident.site.longitude, incident.site.latitude
    return None


def distance_km(a, b):
    """Great-circle distance between two (longitude, latitude) points."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _around(point, km):
    """A bounding box query filter around `point`, wide enough for `km` (the exact distance is checked after)."""
    longitude, latitude = point
    dlat = km / KM_PER_DEGREE
    dlon = km / (KM_PER_DEGREE * max(math.cos(math.radians(latitude)), 0.01))
    return {
        "longitude__gte": longitude - dlon, "longitude__lte": longitude + dlon,
        "latitude__gte": latitude - dlat, "latitude__lte": latitude + dlat,
    }


def nearby_sites(incident, km=NEARBY_KM, limit=8):
    """Mine sites within `km` of the incident, nearest first, as (site, distance in km)."""
    from madini.sites.models import Site

    point = incident_point(incident)
    if point is None:
        return []
    candidates = Site.objects.filter(**_around(point, km)).exclude(pk=incident.site_id).only(
        "id", "pcode", "name", "longitude", "latitude", "province", "territory"
    )
    found = [(site, distance_km(point, (site.longitude, site.latitude))) for site in candidates]
    return sorted([pair for pair in found if pair[1] <= km], key=lambda pair: pair[1])[:limit]


def nearby_incidents(user, incident, km=NEARBY_KM, days=NEARBY_DAYS):
    """Incidents `user` may see, of the last `days` days, at the same site or within `km`."""
    from madini.incidents.permissions import visible_incidents

    point = incident_point(incident)
    since = incident.created_at - datetime.timedelta(days=days)
    recent = visible_incidents(user).filter(created_at__gte=since).exclude(pk=incident.pk).select_related("category", "site")
    near = Q(site=incident.site_id) if incident.site_id else Q(pk__in=[])
    if point is not None:
        near |= Q(**_around(point, km)) | Q(site__in=_sites_around(point, km))
    found = []
    for other in recent.filter(near):
        other_point = incident_point(other)
        distance = distance_km(point, other_point) if point and other_point else None
        if (incident.site_id and other.site_id == incident.site_id) or (distance is not None and distance <= km):
            found.append((other, distance))
    return sorted(found, key=lambda pair: (pair[1] is None, pair[1] or 0))


def _sites_around(point, km):
    from madini.sites.models import Site

    return Site.objects.filter(**_around(point, km)).values("pk")


def possible_duplicates(user, incident):
    """Same category, same site or within a few km, reported within a few days of each other."""
    days = datetime.timedelta(days=settings.MADINI_DUPLICATE_DAYS)
    return [
        (other, distance)
        for other, distance in nearby_incidents(user, incident, km=settings.MADINI_DUPLICATE_DISTANCE_KM, days=365)
        if other.category_id == incident.category_id
        and abs(other.created_at - incident.created_at) <= days
        and other.status != Incident.Status.DUPLICATE
    ]


def latest_visit(site):
    if site is None:
        return None
    return site.visits.filter(is_latest=True).prefetch_related("minerals__mineral", "armed_actors__actor").first()
