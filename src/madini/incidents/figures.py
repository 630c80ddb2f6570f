"""The network's figures for its staff: incidents per month, time to validation and resolution,
deadlines met, follow-ups per organisation, outreach workshops; and the same tables as an Excel file.

Everything is computed over what the user may see (visible_incidents), so a CSO member's figures
cover their scope only. Counts are aggregated by the database; medians and deadline checks are
computed in Python over the few columns they need (a network handles thousands, not millions).
"""

import datetime
import io
import statistics
from dataclasses import dataclass, field

from django.db.models import Count, F, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from madini.geo.models import AdminArea
from madini.incidents import deadlines
from madini.incidents.models import FollowUp, Incident, IncidentCategory
from madini.incidents.permissions import visible_incidents, visible_workshops

Status = Incident.Status
SECONDS_PER_DAY = 24 * 3600


@dataclass
class MonthlyTable:
    """Incidents per month (rows) and per category or province (columns)."""

    columns: list
    rows: list  # (first day of the month, [count per column], total)
    column_totals: list
    total: int


@dataclass
class Timeliness:
    validated: int
    median_days_to_validation: float | None
    resolved: int
    median_days_to_resolution: float | None
    share_resolved: float | None  # of the validated incidents
    validated_in_time: int
    validated_late: int
    # Resolution deadline: met or missed by the cases closed after follow-up, resolved or not.
    resolved_in_time: int
    resolved_late: int
    overdue_now: int

    @property
    def share_validated_in_time(self):
        return share(self.validated_in_time, self.validated_in_time + self.validated_late)

    @property
    def share_resolved_in_time(self):
        return share(self.resolved_in_time, self.resolved_in_time + self.resolved_late)

    # As the page shows them: percentages, one decimal.
    @property
    def percent_resolved(self):
        return as_percent(self.share_resolved)

    @property
    def percent_validated_in_time(self):
        return as_percent(self.share_validated_in_time)

    @property
    def percent_resolved_in_time(self):
        return as_percent(self.share_resolved_in_time)


@dataclass
class WorkshopTotals:
    count: int
    men: int
    women: int

    @property
    def people(self):
        return self.men + self.women


@dataclass
class NetworkFigures:
    date_from: datetime.date | None
    date_to: datetime.date | None
    incident_count: int
    by_category: MonthlyTable
    by_province: MonthlyTable
    by_status: list  # (status label, count)
    timeliness: Timeliness
    follow_ups: list  # (organisation, follow-ups, incidents followed up)
    workshops: list = field(default_factory=list)
    workshop_totals: WorkshopTotals = None


def share(part, whole):
    return part / whole if whole else None


def as_percent(fraction):
    """12.5 for 0.125; a whole number without its ".0" (75, not 75.0)."""
    if fraction is None:
        return None
    percent = round(100 * fraction, 1)
    return int(percent) if percent.is_integer() else percent


def network_figures(user, date_from=None, date_to=None):
    """The figures of the incidents reported (and the follow-ups and workshops done) in the period."""
    incidents = incidents_reported(user, date_from, date_to)
    workshops = workshops_held(user, date_from, date_to)
    return NetworkFigures(
        date_from=date_from,
        date_to=date_to,
        incident_count=incidents.count(),
        by_category=monthly_by_category(incidents),
        by_province=monthly_by_province(incidents),
        by_status=incidents_by_status(incidents),
        timeliness=timeliness(incidents),
        follow_ups=follow_ups_per_organisation(user, date_from, date_to),
        workshops=list(
            workshops.select_related("organisation", "province").defer("province__geometry").order_by("-held_on", "-id")
        ),
        workshop_totals=workshop_totals(workshops),
    )


def incidents_reported(user, date_from=None, date_to=None):
    incidents = visible_incidents(user)
    if date_from:
        incidents = incidents.filter(created_at__date__gte=date_from)
    if date_to:
        incidents = incidents.filter(created_at__date__lte=date_to)
    return incidents


def _monthly(incidents, group_by, label_of):
    counts = (
        incidents.annotate(month=TruncMonth("created_at"), group=group_by)
        .values("month", "group")
        .annotate(incidents=Count("id"))
        .order_by()
    )
    cells = {}
    for row in counts:
        month = timezone.localtime(row["month"]).date() if timezone.is_aware(row["month"]) else row["month"].date()
        cells[month, row["group"]] = cells.get((month, row["group"]), 0) + row["incidents"]
    labels = label_of({group for _month, group in cells})
    groups = sorted(labels, key=lambda group: (group is None, str(labels[group]).lower()))
    months_seen = {month for month, _group in cells}
    months = months_between(min(months_seen), max(months_seen)) if months_seen else []
    rows = []
    for month in months:
        counts_in_month = [cells.get((month, group), 0) for group in groups]
        rows.append((month, counts_in_month, sum(counts_in_month)))
    column_totals = [sum(cells.get((month, group), 0) for month in months) for group in groups]
    return MonthlyTable(columns=[labels[group] for group in groups], rows=rows, column_totals=column_totals,
                        total=sum(column_totals))


def months_between(first, last):
    """Every month from `first` to `last`: a month without incidents is a row of zeros, not a gap."""
    months = [first]
    while months[-1] < last:
        month = months[-1]
        months.append(month.replace(year=month.year + month.month // 12, month=month.month % 12 + 1))
    return months


def monthly_by_category(incidents):
    """Per top-level category: a subcategory counts in its parent, as in the SMS menu."""

    def labels(ids):
        categories = IncidentCategory.objects.in_bulk([id_ for id_ in ids if id_ is not None])
        return {id_: categories[id_].label() for id_ in ids}

    return _monthly(incidents, Coalesce("category__parent_id", "category_id"), labels)


def monthly_by_province(incidents):
    def labels(ids):
        names = dict(AdminArea.objects.filter(id__in=[id_ for id_ in ids if id_ is not None]).values_list("id", "name"))
        return {id_: names.get(id_) or _("Province unknown") for id_ in ids}

    return _monthly(incidents, F("province_id"), labels)


def incidents_by_status(incidents):
    counts = dict(incidents.values_list("status").annotate(count=Count("id")).order_by())
    return [(status.label, counts.get(status.value, 0)) for status in Status]


def _median_days(durations):
    return round(statistics.median(durations).total_seconds() / SECONDS_PER_DAY, 1) if durations else None


def timeliness(incidents):
    validated = list(
        incidents.filter(validated_at__isnull=False)
        .only("created_at", "validated_at", "closed_at", "status", "severity")
    )
    resolved = [incident for incident in validated if incident.status == Status.RESOLVED and incident.closed_at]
    validated_in_time = [deadlines.validated_in_time(incident) for incident in validated]
    resolution_in_time = [
        in_time for in_time in (deadlines.resolved_in_time(incident) for incident in validated) if in_time is not None
    ]
    return Timeliness(
        validated=len(validated),
        median_days_to_validation=_median_days([incident.validated_at - incident.created_at for incident in validated]),
        resolved=len(resolved),
        median_days_to_resolution=_median_days([incident.closed_at - incident.created_at for incident in resolved]),
        share_resolved=share(len(resolved), len(validated)),
        validated_in_time=validated_in_time.count(True),
        validated_late=validated_in_time.count(False),
        resolved_in_time=resolution_in_time.count(True),
        resolved_late=resolution_in_time.count(False),
        overdue_now=incidents.filter(deadlines.overdue_condition()).count(),
    )


def follow_ups_per_organisation(user, date_from=None, date_to=None):
    follow_ups = FollowUp.objects.filter(incident__in=visible_incidents(user))
    if date_from:
        follow_ups = follow_ups.filter(done_on__gte=date_from)
    if date_to:
        follow_ups = follow_ups.filter(done_on__lte=date_to)
    rows = (
        follow_ups.values("organisation__name")
        .annotate(follow_ups=Count("id"), incidents=Count("incident", distinct=True))
        .order_by("-follow_ups", "organisation__name")
    )
    return [(row["organisation__name"], row["follow_ups"], row["incidents"]) for row in rows]


def workshops_held(user, date_from=None, date_to=None):
    workshops = visible_workshops(user)
    if date_from:
        workshops = workshops.filter(held_on__gte=date_from)
    if date_to:
        workshops = workshops.filter(held_on__lte=date_to)
    return workshops


def workshop_totals(workshops):
    totals = workshops.aggregate(count=Count("id"), men=Coalesce(Sum("men_reached"), 0),
                                 women=Coalesce(Sum("women_reached"), 0))
    return WorkshopTotals(**totals)


# The Excel export: the page's tables, one sheet each, as numbers (not formatted text).

def figures_workbook(figures):
    workbook = Workbook()
    workbook.remove(workbook.active)
    timeliness_ = figures.timeliness
    totals = figures.workshop_totals
    _sheet(workbook, _("Summary"), [_("Figure"), _("Value")], [
        (_("Reported from"), figures.date_from.isoformat() if figures.date_from else ""),
        (_("Reported to"), figures.date_to.isoformat() if figures.date_to else ""),
        (_("Incidents"), figures.incident_count),
        (_("Validated"), timeliness_.validated),
        (_("Median days to validation"), timeliness_.median_days_to_validation),
        (_("Resolved"), timeliness_.resolved),
        (_("Median days from report to resolution"), timeliness_.median_days_to_resolution),
        (_("Share of validated incidents resolved"), timeliness_.share_resolved),
        (_("Validation deadline met"), timeliness_.validated_in_time),
        (_("Validation deadline missed"), timeliness_.validated_late),
        (_("Share validated in time"), timeliness_.share_validated_in_time),
        (_("Resolution deadline met"), timeliness_.resolved_in_time),
        (_("Resolution deadline missed"), timeliness_.resolved_late),
        (_("Share closed in time"), timeliness_.share_resolved_in_time),
        (_("Overdue now"), timeliness_.overdue_now),
        (_("Workshops"), totals.count),
        (_("People reached"), totals.people),
        (_("Men reached"), totals.men),
        (_("Women reached"), totals.women),
    ])
    _monthly_sheet(workbook, _("By category"), figures.by_category)
    _monthly_sheet(workbook, _("By province"), figures.by_province)
    _sheet(workbook, _("By status"), [_("Status"), _("Incidents")],
           [(str(label), count) for label, count in figures.by_status])
    _sheet(workbook, _("Follow-ups"), [_("Organisation"), _("Follow-ups"), _("Incidents followed up")],
           figures.follow_ups)
    _sheet(workbook, _("Workshops"), [_("Date"), _("Place"), _("Province"), _("Organisation"), _("Topic"), _("Men"),
                                      _("Women"), _("People")], [
        (workshop.held_on, workshop.place, workshop.province.name if workshop.province else "",
         str(workshop.organisation), workshop.topic, workshop.men_reached, workshop.women_reached,
         workshop.people_reached)
        for workshop in figures.workshops
    ])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _monthly_sheet(workbook, title, table):
    rows = [(month.strftime("%Y-%m"), *counts, total) for month, counts, total in table.rows]
    rows.append((_("Total"), *table.column_totals, table.total))
    _sheet(workbook, title, [_("Month"), *map(str, table.columns), _("Total")], rows)


def _sheet(workbook, title, header, rows):
    sheet = workbook.create_sheet(title[:31])
    sheet.append([str(heading) for heading in header])
    for row in rows:
        sheet.append(list(row))
    # Typed text (a workshop's place, an organisation's name) stays text: never a spreadsheet formula.
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"
    return sheet
