"""What the public may see of incidents: the published, validated ones, with public fields only.

The reporter's words, the reporter and the exact point never leave this module: rows carry the
staff-written public summary, and a location coarsened to the linked site or to the territory
(MADINI_PUBLIC_INCIDENT_LOCATION). Figures and charts are aggregated by the database.
"""

import datetime
from functools import lru_cache

from django.conf import settings
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from madini.geo.geometry import from_geojson
from madini.geo.models import AdminArea
from madini.geo.names import area_key
from madini.incidents.models import Incident, IncidentCategory
from madini.sites.queries import percent

Status = Incident.Status
COORDINATE_DECIMALS = 5
POPUP_LIMIT = 20
TABLE_PAGE_SIZE = 50


class PublicStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("confirmed")
    UNDER_FOLLOW_UP = "under-follow-up", _("under follow-up")
    RESOLVED = "resolved", _("resolved")
    PERSISTENT = "persistent", _("persistent")


PUBLIC_STATUS_OF = {
    Status.VALIDATED: PublicStatus.CONFIRMED,
    Status.IN_FOLLOW_UP: PublicStatus.UNDER_FOLLOW_UP,
    Status.RESOLVED: PublicStatus.RESOLVED,
    Status.UNRESOLVED: PublicStatus.PERSISTENT,
}
INTERNAL_STATUS_OF = {public: internal for internal, public in PUBLIC_STATUS_OF.items()}


class LocationLevel(models.TextChoices):
    SITE = "site", _("mine site")
    TERRITORY = "territory", _("territory")
    PROVINCE = "province", _("province")


def published_incidents(now=None):
    """Incidents staff published, validated or beyond, reported at least the publication delay ago."""
    now = now or timezone.now()
    reported_before = now - datetime.timedelta(days=settings.MADINI_PUBLICATION_DELAY_DAYS)
    return Incident.objects.filter(published=True, status__in=PUBLIC_STATUS_OF, created_at__lte=reported_before)


def shown_at_sites():
    return settings.MADINI_PUBLIC_INCIDENT_LOCATION == "site"


def public_date():
    """The day it happened, or the day it was reported when the reporter could not say."""
    return Coalesce("occurred_on", TruncDate("created_at"), output_field=models.DateField())


def start_of_day(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def in_date_range(date_from=None, date_to=None):
    """The condition on public_date(), spelt out so that the database can use its indexes."""
    happened, reported = Q(), Q(occurred_on__isnull=True)
    if date_from:
        happened &= Q(occurred_on__gte=date_from)
        reported &= Q(created_at__gte=start_of_day(date_from))
    if date_to:
        happened &= Q(occurred_on__lte=date_to)
        reported &= Q(created_at__lt=start_of_day(date_to + datetime.timedelta(days=1)))
    return happened | reported


def filter_public_incidents(incidents, date_from=None, date_to=None, category=None, province=None, status=None):
    """Narrow `incidents` by the public filters.

    category: a category code, subcategories included; province: a province name in any case,
    with or without accents, or one of its known spellings; status: a PublicStatus code.
    """
    if date_from or date_to:
        incidents = incidents.filter(in_date_range(date_from, date_to))
    # Categories and provinces are looked up first: a plain list of ids lets the database plan well.
    if category:
        codes = IncidentCategory.objects.filter(Q(code=category) | Q(parent__code=category))
        incidents = incidents.filter(category_id__in=list(codes.values_list("id", flat=True)))
    if province:
        key = area_key(province)
        provinces = AdminArea.objects.filter(Q(key=key) | Q(aliases__key=key), level=AdminArea.Level.PROVINCE)
        incidents = incidents.filter(province_id__in=list(provinces.values_list("id", flat=True)))
    if status:
        incidents = incidents.filter(status=INTERNAL_STATUS_OF[status])
    return incidents


def shown_incidents(criteria, now=None):
    """The published incidents matching the public filters (a dict of filter_public_incidents' arguments)."""
    return filter_public_incidents(published_incidents(now), **criteria)


# Rows: one incident as the public sees it.

ROW_VALUES = {
    "reference": "reference",
    "occurred_on": "occurred_on",
    "created_at": "created_at",
    "category_code": "category__code",
    "category_en": "category__label_en",
    "category_fr": "category__label_fr",
    "category_sw": "category__label_sw",
    "status": "status",
    "province": "province__name",
    "territory": "territory__name",
    "province_id": "province_id",
    "territory_id": "territory_id",
    "site_id": "site_id",
    "site_name": "site__name",
    "site_pcode": "site__pcode",
    "site_longitude": "site__longitude",
    "site_latitude": "site__latitude",
    "public_summary": "public_summary",
}
COLUMNS = (
    "reference",
    "date",
    "category",
    "status",
    "province",
    "territory",
    "site_name",
    "site_pcode",
    "longitude",
    "latitude",
    "location_level",
    "public_summary",
)


def row_values(incidents):
    """The columns public rows are made of, newest report first."""
    return incidents.order_by("-created_at", "-id").values(*ROW_VALUES.values())


def rows_of(values):
    """Public rows of row_values() dicts; area centroids are looked up once per area."""
    language, at_sites, centroids = language_code(), shown_at_sites(), AreaCentroids()
    for value in values:
        yield public_row({name: value[field] for name, field in ROW_VALUES.items()}, language, at_sites, centroids)


def public_rows(incidents):
    """Each incident as a dict of COLUMNS (plus its status label), newest first; streamed for downloads."""
    return rows_of(row_values(incidents).iterator(chunk_size=2000))


def public_rows_page(incidents, page_number, per_page=TABLE_PAGE_SIZE):
    """(the Paginator page, its public rows) of the dashboard's table."""
    page = Paginator(row_values(incidents), per_page).get_page(page_number)
    return page, list(rows_of(page.object_list))


def public_row(value, language, at_sites, centroids):
    site_shown = at_sites and value["site_id"] is not None
    if site_shown:
        level, point = LocationLevel.SITE, (value["site_longitude"], value["site_latitude"])
    else:
        level, area_id = area_level(value["territory_id"], value["province_id"])
        point = centroids.of(area_id)
    longitude, latitude = rounded(point) if point else (None, None)
    status = PUBLIC_STATUS_OF[value["status"]]
    return {
        "reference": value["reference"],
        "date": value["occurred_on"] or timezone.localdate(value["created_at"]),
        "category": value[f"category_{language}"] or value["category_en"],
        "status": status.value,
        "status_label": status.label,
        "province": value["province"] or "",
        "territory": value["territory"] or "",
        "site_name": value["site_name"] if site_shown else "",
        "site_pcode": value["site_pcode"] if site_shown else "",
        "longitude": longitude,
        "latitude": latitude,
        "location_level": level or "",
        "public_summary": value["public_summary"],
    }


def rounded(point):
    return tuple(round(coordinate, COORDINATE_DECIMALS) for coordinate in point)


def area_level(territory_id, province_id):
    if territory_id:
        return LocationLevel.TERRITORY, territory_id
    if province_id:
        return LocationLevel.PROVINCE, province_id
    return None, None


def language_code():
    language = (translation.get_language() or "en")[:2]
    return language if language in ("en", "fr", "sw") else "en"


class AreaCentroids:
    """(longitude, latitude) of areas by id, each read from the database once."""

    def __init__(self):
        self.known = {}

    def of(self, area_id):
        if area_id is None:
            return None
        if area_id not in self.known:
            self.known.update({found: point for found, (point, _name) in area_points([area_id]).items()})
            self.known.setdefault(area_id, None)
        return self.known[area_id]


@lru_cache(maxsize=4096)
def centroid_of(geometry, min_lon, min_lat, max_lon, max_lat):
    """Cached by the boundary itself, so that an edited boundary gets a new centroid."""
    if geometry:
        point = from_geojson(geometry).centroid
        if not point.is_empty:
            return (point.x, point.y)
    if None not in (min_lon, min_lat, max_lon, max_lat):
        return ((min_lon + max_lon) / 2, (min_lat + max_lat) / 2)
    return None


# Figures and charts: GROUP BY in the database.


def key_figures(incidents):
    """Totals in one query: incidents, provinces concerned, and per public status (in PublicStatus order)."""
    counts = incidents.aggregate(
        total=Count("id"),
        provinces=Count("province", distinct=True),
        **{public.value: Count("id", filter=Q(status=internal)) for internal, public in PUBLIC_STATUS_OF.items()},
    )
    return {
        "total": counts["total"],
        "provinces": counts["provinces"],
        "by_status": [{"label": public.label, "code": public.value, "count": counts[public.value]} for public in PublicStatus],
        "resolved_percent": percent(counts[PublicStatus.RESOLVED.value], counts["total"]),
    }


def by_month(incidents):
    """[{label: "2024-03", count}] in month order."""
    months = (
        incidents.annotate(month=TruncMonth(public_date(), output_field=models.DateField()))
        .values("month")
        .annotate(count=Count("id"))
        .order_by("month")
    )
    return [{"label": f"{row['month']:%Y-%m}" if row["month"] else "", "count": row["count"]} for row in months]


def by_category(incidents):
    """Counts by top-level category (a subcategory counts for its parent), largest first."""
    counts = (
        incidents.annotate(top=Coalesce("category__parent_id", "category_id"))
        .values("top")
        .annotate(count=Count("id"))
        .order_by()
    )
    labels = {category.id: category.label() for category in IncidentCategory.objects.filter(parent=None)}
    rows = [{"label": labels.get(row["top"], ""), "count": row["count"]} for row in counts]
    return sorted(rows, key=lambda row: (-row["count"], row["label"]))


def by_province(incidents):
    counts = incidents.values(label=F("province__name")).annotate(count=Count("id")).order_by("-count", "label")
    return list(counts)


def dashboard_figures(incidents):
    figures = key_figures(incidents)
    return {
        "figures": figures,
        "by_month": by_month(incidents),
        "by_category": by_category(incidents),
        "by_province": by_province(incidents),
        "by_status": figures["by_status"],
    }


# The map: one point per place shown, with the number of incidents there.


def map_points(incidents):
    """[[longitude, latitude, count, place name]], largest first: incidents grouped by where they are shown."""
    points = []
    if shown_at_sites():
        at_sites = (
            incidents.filter(site__isnull=False)
            .values_list("site_id", "site__longitude", "site__latitude", "site__name")
            .annotate(count=Count("id"))
            .order_by()
        )
        points = [[*rounded((longitude, latitude)), count, name] for _id, longitude, latitude, name, count in at_sites]
        incidents = incidents.filter(site__isnull=True)
    at_areas = dict(
        incidents.annotate(shown_area=Coalesce("territory_id", "province_id"))
        .values_list("shown_area")
        .annotate(count=Count("id"))
        .order_by()
    )
    located = area_points([area_id for area_id in at_areas if area_id])
    points += [[*rounded(point), at_areas[area_id], name] for area_id, (point, name) in located.items()]
    return sorted(points, key=lambda point: (-point[2], point[3]))


def area_points(area_ids):
    areas = AdminArea.objects.filter(id__in=area_ids).values_list(
        "id", "name", "geometry", "min_lon", "min_lat", "max_lon", "max_lat"
    )
    points = {}
    for area_id, name, *shape in areas:
        point = centroid_of(*shape)
        if point:
            points[area_id] = (point, name)
    return points


def site_popup_incidents(pcode, limit=POPUP_LIMIT):
    """(the latest published incidents linked to the site as public rows, how many there are in all).

    Empty when incidents are shown at territory level: a site's popup would reveal the site.
    """
    if not shown_at_sites():
        return [], 0
    incidents = published_incidents().filter(site__pcode=pcode)
    return list(rows_of(row_values(incidents)[:limit])), incidents.count()
