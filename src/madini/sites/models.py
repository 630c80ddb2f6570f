"""Mine sites and their field visits, modelled on the IPIS open-data dictionary.

Values are kept as the source gives them (French labels, the source's admin names);
`*_key` columns hold the folded spelling the filters match on (see geo.names.fold).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from madini.geo.models import AdminArea


class NamedTerm(models.Model):
    """A value list entry: kept as written in the data, matched by its folded key."""

    name = models.CharField(max_length=200)
    key = models.CharField(max_length=200, unique=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name


class Mineral(NamedTerm):
    name_en = models.CharField(max_length=100, blank=True, help_text=_("English name"))
    key_en = models.CharField(max_length=100, blank=True, db_index=True)


class ArmedActor(NamedTerm):
    """A state or non-state armed actor as named in the data (FARDC, FDLR, Maï-Maï Simba …)."""


class StateService(NamedTerm):
    """A state service seen at a site (SAESSCAM/SAEMAPE, Division des mines, ANR …)."""


class TradingPoint(NamedTerm):
    """A place where a site's minerals are sold; located when the gazetteer knows it."""

    longitude = models.FloatField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)


class Site(models.Model):
    pcode = models.CharField(_("site code"), max_length=40, unique=True, help_text=_("Identifier kept from the source"))
    name = models.CharField(_("name"), max_length=200)
    key = models.CharField(max_length=200, db_index=True)
    longitude = models.FloatField()
    latitude = models.FloatField()
    location_origin = models.CharField(max_length=200, blank=True)
    country_code = models.CharField(max_length=3, default="COD")
    # Admin names exactly as the source gives them: what the filters match.
    province = models.CharField(max_length=100, blank=True)
    province_key = models.CharField(max_length=100, blank=True, db_index=True)
    province_old = models.CharField(max_length=100, blank=True)
    territory = models.CharField(max_length=100, blank=True)
    territory_key = models.CharField(max_length=100, blank=True, db_index=True)
    collectivite = models.CharField(max_length=100, blank=True)
    groupement = models.CharField(max_length=100, blank=True)
    village = models.CharField(max_length=100, blank=True)
    # Filled in by point-in-polygon assignment (geo.queries.AreaIndex).
    province_area = models.ForeignKey(AdminArea, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    territory_area = models.ForeignKey(AdminArea, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    health_zone_area = models.ForeignKey(AdminArea, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    outside_stated_province = models.BooleanField(
        default=False, help_text=_("The coordinates fall outside the province the source states: check them.")
    )
    last_visit_date = models.DateField(null=True, db_index=True)

    class Meta:
        ordering = ["pcode"]
        indexes = [models.Index(fields=["longitude", "latitude"])]

    def __str__(self):
        return f"{self.name} ({self.pcode})"


class Visit(models.Model):
    class Access(models.TextChoices):
        LESS_THAN_2H = "less2h", _("less than 2 hours' walk")
        MORE_THAN_2H = "more2h", _("more than 2 hours' walk")
        CAR_OR_MOTORBIKE = "carmoto", _("by car or motorbike")

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="visits")
    source_key = models.CharField(max_length=100, unique=True, help_text=_("The source's identifier of this visit"))
    source = models.CharField(max_length=100, blank=True)
    project = models.CharField(max_length=100, blank=True)
    visit_date = models.DateField()
    visited_on_site = models.BooleanField(null=True)
    no_visit_reason = models.TextField(blank=True)
    location_origin = models.CharField(max_length=200, blank=True)
    workers = models.PositiveIntegerField(null=True, blank=True)
    access_dry_season = models.CharField(max_length=10, choices=Access.choices, blank=True)
    access_wet_season = models.CharField(max_length=10, choices=Access.choices, blank=True)
    is_3t_mine = models.BooleanField(null=True)
    is_gold_mine = models.BooleanField(null=True)
    mercury = models.BooleanField(null=True, help_text=_("Mercury use observed"))
    armed_presence = models.BooleanField(null=True, help_text=_("An armed actor was present"))
    armed_interference = models.BooleanField(null=True)
    mechanisation = models.CharField(max_length=50, blank=True)
    traceability = models.CharField(max_length=100, blank=True)
    qualification = models.CharField(max_length=50, blank=True)
    qualification_key = models.CharField(max_length=50, blank=True, db_index=True)
    child_labour = models.BooleanField(null=True, help_text=_("Children under 15 at work"))
    child_labour_activities = models.TextField(blank=True)
    women = models.BooleanField(null=True, help_text=_("Women at work"))
    women_activities = models.TextField(blank=True)
    state_services = models.ManyToManyField(StateService, blank=True, related_name="visits")
    is_latest = models.BooleanField(default=False, db_index=True)
    row_hash = models.CharField(max_length=64, help_text=_("Fingerprint of the source row: unchanged rows are skipped"))

    class Meta:
        ordering = ["site", "-visit_date", "-id"]
        indexes = [models.Index(fields=["site", "visit_date"])]

    def __str__(self):
        return f"{self.site.pcode} {self.visit_date}"


class VisitMineral(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="minerals")
    mineral = models.ForeignKey(Mineral, on_delete=models.PROTECT, related_name="visits")
    rank = models.PositiveSmallIntegerField(help_text=_("1 for the main mineral"))
    selling_points = models.TextField(blank=True)
    final_destination = models.TextField(blank=True)
    trading_points = models.ManyToManyField(TradingPoint, blank=True, related_name="visit_minerals")

    class Meta:
        ordering = ["rank"]
        constraints = [models.UniqueConstraint(fields=["visit", "rank"], name="unique_mineral_rank")]


class ArmedActorPresence(models.Model):
    """An armed actor seen on a visit, how often, and what it does there."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="armed_actors")
    actor = models.ForeignKey(ArmedActor, null=True, blank=True, on_delete=models.PROTECT, related_name="presences")
    rank = models.PositiveSmallIntegerField()
    actor_type = models.CharField(max_length=100, blank=True)
    frequency = models.CharField(max_length=200, blank=True)
    taxation = models.BooleanField(null=True)
    commerce_taxation = models.BooleanField(null=True)
    entrance_taxation = models.BooleanField(null=True)
    monopoly = models.BooleanField(null=True)
    buying_minerals = models.BooleanField(null=True)
    digging = models.BooleanField(null=True)
    forced_labour = models.BooleanField(null=True)
    pillaging = models.BooleanField(null=True)
    pit_ownership = models.BooleanField(null=True)

    ACTIVITIES = (
        "taxation",
        "commerce_taxation",
        "entrance_taxation",
        "monopoly",
        "buying_minerals",
        "digging",
        "forced_labour",
        "pillaging",
        "pit_ownership",
    )

    class Meta:
        ordering = ["rank"]
        constraints = [models.UniqueConstraint(fields=["visit", "rank"], name="unique_armed_actor_rank")]


class Roadblock(models.Model):
    """A checkpoint on a mineral route; recorded by staff or imported with conflict data."""

    name = models.CharField(max_length=200)
    longitude = models.FloatField()
    latitude = models.FloatField()
    observed_on = models.DateField(null=True, blank=True)
    operator = models.ForeignKey(ArmedActor, null=True, blank=True, on_delete=models.SET_NULL)
    taxes = models.TextField(blank=True, help_text=_("What is levied, and from whom"))
    source = models.CharField(max_length=200, blank=True)

    def __str__(self):
        return self.name


class ImportRun(models.Model):
    """One import of an open-data file: what it changed, for staff and for cache versioning."""

    source = models.CharField(max_length=500)
    file_format = models.CharField(max_length=100)
    finished_at = models.DateTimeField(auto_now_add=True)
    rows = models.PositiveIntegerField()
    sites_created = models.PositiveIntegerField()
    sites_updated = models.PositiveIntegerField()
    visits_created = models.PositiveIntegerField()
    visits_updated = models.PositiveIntegerField()
    visits_unchanged = models.PositiveIntegerField()
    skipped_rows = models.PositiveIntegerField()
    summary = models.TextField()

    class Meta:
        ordering = ["-finished_at"]

    def __str__(self):
        return f"{self.source} ({self.finished_at:%Y-%m-%d %H:%M})"
