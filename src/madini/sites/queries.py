"""Read paths for mine sites: the public filter contract, key figures and breakdowns.

The rule every filter follows: a site matches when its latest visit within the date window
(or its latest visit, without a window) matches the visit filters.
"""

from django.db.models import Avg, Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import ExtractYear

from madini.geo.names import fold
from madini.sites.models import ArmedActorPresence, ImportRun, Site, Visit, VisitMineral
from madini.sites.vocabulary import MINERAL_COMMODITY_ALIASES

VISIT_FILTERS = (
    "mineral",
    "armed_presence",
    "armed_actor",
    "child_labour",
    "mercury",
    "state_service",
    "workers_min",
    "workers_max",
    "qualification",
)


def date_window_q(criteria, prefix=""):
    window = Q()
    if criteria.get("visited_from"):
        window &= Q(**{f"{prefix}visit_date__gte": criteria["visited_from"]})
    if criteria.get("visited_to"):
        window &= Q(**{f"{prefix}visit_date__lte": criteria["visited_to"]})
    return window


def has_window(criteria):
    return bool(criteria.get("visited_from") or criteria.get("visited_to"))


def selected_visits(criteria):
    """Each site's latest visit within the window (its latest visit without a window)."""
    if not has_window(criteria):
        return Visit.objects.filter(is_latest=True)
    window = date_window_q(criteria)
    latest_in_window = (
        Visit.objects.filter(window, site_id=OuterRef("site_id")).order_by("-visit_date", "-id").values("id")[:1]
    )
    return Visit.objects.filter(window, id=Subquery(latest_in_window))


def mineral_keys(value):
    key = fold(value)
    return {key, fold(MINERAL_COMMODITY_ALIASES.get(key, ""))} - {""}


def visit_filter_q(criteria):
    q = Q()
    if criteria.get("mineral"):
        keys = mineral_keys(criteria["mineral"])
        q &= Q(
            id__in=VisitMineral.objects.filter(Q(mineral__key__in=keys) | Q(mineral__key_en__in=keys)).values("visit_id")
        )
    if criteria.get("armed_actor"):
        key = fold(criteria["armed_actor"])
        # "Maï-Maï" matches every Maï-Maï group; "FDLR" matches FDLR and FDLR-FOCA.
        q &= Q(
            id__in=ArmedActorPresence.objects.filter(
                Q(actor__key=key) | Q(actor__key__startswith=key + " ")
            ).values("visit_id")
        )
    if criteria.get("state_service"):
        q &= Q(state_services__key=fold(criteria["state_service"]))
    for name, field in (("armed_presence", "armed_presence"), ("child_labour", "child_labour"), ("mercury", "mercury")):
        if criteria.get(name) is not None:
            q &= Q(**{field: criteria[name]})
    if criteria.get("workers_min") is not None:
        q &= Q(workers__gte=criteria["workers_min"])
    if criteria.get("workers_max") is not None:
        q &= Q(workers__lte=criteria["workers_max"])
    if criteria.get("qualification"):
        q &= Q(qualification_key=fold(criteria["qualification"]))
    return q


def province_keys(value):
    """The folded spellings a province filter accepts: as written, plus the area's canonical name."""
    from madini.geo.queries import find_area
    from madini.geo.models import AdminArea

    keys = {fold(value)}
    area = find_area(value, level=AdminArea.Level.PROVINCE)
    if area is not None:
        keys.add(fold(area.name))
    return keys


def site_filter_q(criteria):
    q = Q()
    if criteria.get("province"):
        q &= Q(province_key__in=province_keys(criteria["province"]))
    if criteria.get("territory"):
        q &= Q(territory_key=fold(criteria["territory"]))
    if criteria.get("bbox"):
        min_lon, min_lat, max_lon, max_lat = criteria["bbox"]
        q &= Q(longitude__gte=min_lon, longitude__lte=max_lon, latitude__gte=min_lat, latitude__lte=max_lat)
    if criteria.get("q"):
        text = criteria["q"].strip()
        q &= Q(key__contains=fold(text)) | Q(pcode__iexact=text)
    return q


def filter_sites(criteria, sites=None):
    sites = Site.objects.all() if sites is None else sites
    sites = sites.filter(site_filter_q(criteria))
    if has_window(criteria) or any(criteria.get(name) not in (None, "") for name in VISIT_FILTERS):
        visits = selected_visits(criteria).filter(visit_filter_q(criteria))
        sites = sites.filter(id__in=visits.values("site_id"))
    return sites


def matching_visits(criteria):
    """The selected visit of every matching site: what key figures and downloads describe."""
    return selected_visits(criteria).filter(site__in=filter_sites(criteria))


def percent(part, whole):
    return round(100 * part / whole, 1) if whole else None


def key_figures(criteria):
    visits = matching_visits(criteria)
    figures = visits.aggregate(
        sites=Count("id"),
        total_workers=Sum("workers"),
        mean_workers=Avg("workers"),
        armed_known=Count("id", filter=Q(armed_presence__isnull=False)),
        armed=Count("id", filter=Q(armed_presence=True)),
        child_known=Count("id", filter=Q(child_labour__isnull=False)),
        child=Count("id", filter=Q(child_labour=True)),
        mercury_known=Count("id", filter=Q(mercury__isnull=False)),
        mercury=Count("id", filter=Q(mercury=True)),
        women_known=Count("id", filter=Q(women__isnull=False)),
        women=Count("id", filter=Q(women=True)),
    )
    all_visits = Visit.objects.filter(date_window_q(criteria), site__in=filter_sites(criteria))
    return {
        "sites": figures["sites"],
        "visits": all_visits.count(),
        "workers": figures["total_workers"] or 0,
        "armed_presence_percent": percent(figures["armed"], figures["armed_known"]),
        "child_labour_percent": percent(figures["child"], figures["child_known"]),
        "mercury_percent": percent(figures["mercury"], figures["mercury_known"]),
        "women_percent": percent(figures["women"], figures["women_known"]),
        "sites_with_armed_presence": figures["armed"],
        "sites_with_child_labour": figures["child"],
        "sites_with_mercury": figures["mercury"],
    }


def breakdowns(criteria, top=10):
    """Counts of matching sites by main mineral, province, armed actor, qualification and year."""
    visits = matching_visits(criteria)
    by_mineral = (
        VisitMineral.objects.filter(visit__in=visits, rank=1)
        .values(label=F("mineral__name"))
        .annotate(count=Count("visit_id"))
        .order_by("-count", "label")[:top]
    )
    by_actor = (
        ArmedActorPresence.objects.filter(visit__in=visits, actor__isnull=False)
        .values(label=F("actor__name"))
        .annotate(count=Count("visit_id", distinct=True))
        .order_by("-count", "label")[:top]
    )
    by_province = visits.values(label=F("site__province")).annotate(count=Count("id")).order_by("-count", "label")
    by_qualification = (
        visits.exclude(qualification="").values(label=F("qualification")).annotate(count=Count("id")).order_by("-count")
    )
    by_year = visits.annotate(year=ExtractYear("visit_date")).values(label=F("year")).annotate(count=Count("id"))
    return {
        "main_mineral": list(by_mineral),
        "province": list(by_province),
        "armed_actor": list(by_actor),
        "qualification": list(by_qualification),
        "year_of_visit": sorted(by_year, key=lambda row: row["label"]),
    }


def site_with_history(pcode):
    return (
        Site.objects.filter(pcode=pcode)
        .prefetch_related(
            "visits__minerals__mineral",
            "visits__armed_actors__actor",
            "visits__state_services",
        )
        .first()
    )


def data_version():
    """Changes whenever an import changed the data: part of every public cache key."""
    latest = ImportRun.objects.filter(
        Q(sites_created__gt=0) | Q(sites_updated__gt=0) | Q(visits_created__gt=0) | Q(visits_updated__gt=0)
    ).values_list("id", flat=True).first()
    return latest or 0
