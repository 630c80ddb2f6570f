from django.db import models
from django.utils.translation import gettext_lazy as _


class AdminArea(models.Model):
    """A country, province, territory or health zone, with its boundary.

    Boundaries are kept as GeoJSON text with their bounding box so that no system GDAL
    is needed; shapely does the geometry in Python (see geo.queries.AreaIndex).
    """

    class Level(models.IntegerChoices):
        COUNTRY = 0, _("country")
        PROVINCE = 1, _("province")
        TERRITORY = 2, _("territory")
        HEALTH_ZONE = 3, _("health zone")

    level = models.PositiveSmallIntegerField(choices=Level.choices)
    name = models.CharField(max_length=200)
    key = models.CharField(max_length=200, db_index=True, help_text=_("Normalised name"))
    code = models.CharField(max_length=50, blank=True, help_text=_("P-code or ISO code"))
    country_code = models.CharField(max_length=3, help_text=_("ISO 3166-1 alpha-3"))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    parent_key = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("The parent's key as the source names it: links the parent whichever file is imported first"),
    )
    geometry = models.TextField(blank=True, help_text=_("GeoJSON geometry, WGS 84"))
    min_lon = models.FloatField(null=True)
    min_lat = models.FloatField(null=True)
    max_lon = models.FloatField(null=True)
    max_lat = models.FloatField(null=True)
    source = models.CharField(max_length=200, blank=True)
    geometry_repaired = models.BooleanField(default=False)

    class Meta:
        ordering = ["level", "name"]
        constraints = [
            models.UniqueConstraint(fields=["country_code", "level", "key"], name="unique_area_per_level")
        ]

    def __str__(self):
        return f"{self.name} ({self.get_level_display()})"


class AreaAlias(models.Model):
    """Another spelling of an area, e.g. "North Kivu" or the misspelt "Tanganyka"."""

    area = models.ForeignKey(AdminArea, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)
    key = models.CharField(max_length=200, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["area", "key"], name="unique_alias_per_area")]

    def __str__(self):
        return self.name


class Place(models.Model):
    """A named point from a gazetteer: village, town, mine or selling point."""

    class Kind(models.TextChoices):
        LOCALITY = "locality", _("locality")
        TOWN = "town", _("town")
        MINE = "mine", _("mine")
        SELLING_POINT = "selling_point", _("selling point")

    name = models.CharField(max_length=200)
    key = models.CharField(max_length=200, db_index=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    longitude = models.FloatField()
    latitude = models.FloatField()
    country_code = models.CharField(max_length=3, blank=True)
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key", "longitude", "latitude"], name="unique_place")
        ]

    def __str__(self):
        return self.name
