from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from madini.geo.models import AdminArea, AreaAlias, Place

GEOMETRY_PREVIEW_CHARACTERS = 300


class AreaAliasInline(admin.TabularInline):
    model = AreaAlias
    fields = ["name", "key"]
    readonly_fields = ["key"]
    extra = 0


@admin.register(AdminArea)
class AdminAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "country_code", "code", "parent", "geometry_repaired"]
    list_filter = ["level", "country_code", "geometry_repaired", "source"]
    list_select_related = ["parent"]
    search_fields = ["name", "key", "code", "aliases__name"]
    fields = [
        "name",
        "level",
        "country_code",
        "code",
        "key",
        "parent",
        "parent_key",
        "source",
        "geometry_repaired",
        "bounding_box",
        "geometry_preview",
    ]
    readonly_fields = ["key", "parent_key", "geometry_repaired", "bounding_box", "geometry_preview"]
    raw_id_fields = ["parent"]
    inlines = [AreaAliasInline]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("geometry")

    @admin.display(description=_("bounding box"))
    def bounding_box(self, area):
        if area.min_lon is None:
            return "—"
        return f"{area.min_lon}, {area.min_lat} – {area.max_lon}, {area.max_lat}"

    @admin.display(description=_("geometry"))
    def geometry_preview(self, area):
        """The start of the GeoJSON only: a province boundary runs to megabytes."""
        if len(area.geometry) <= GEOMETRY_PREVIEW_CHARACTERS:
            return area.geometry or "—"
        return _("%(start)s … (%(size)d characters)") % {
            "start": area.geometry[:GEOMETRY_PREVIEW_CHARACTERS],
            "size": len(area.geometry),
        }


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country_code", "longitude", "latitude", "source"]
    list_filter = ["kind", "country_code", "source"]
    search_fields = ["name", "key"]
    readonly_fields = ["key"]
