from django.contrib import admin

from madini.sites.models import (
    ImportRun,
    ArmedActor,
    ArmedActorPresence,
    Mineral,
    Roadblock,
    Site,
    StateService,
    TradingPoint,
    Visit,
    VisitMineral,
)


class VisitInline(admin.TabularInline):
    model = Visit
    fields = ["visit_date", "project", "workers", "armed_presence", "mercury", "child_labour", "qualification"]
    readonly_fields = fields
    show_change_link = True
    extra = 0
    can_delete = False


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["pcode", "name", "province", "territory", "province_area", "outside_stated_province", "last_visit_date"]
    list_filter = ["outside_stated_province", "province", "country_code"]
    search_fields = ["pcode", "name", "village", "territory"]
    readonly_fields = ["province_area", "territory_area", "health_zone_area", "last_visit_date", "key"]
    inlines = [VisitInline]


class VisitMineralInline(admin.TabularInline):
    model = VisitMineral
    fields = ["rank", "mineral", "selling_points", "final_destination"]
    extra = 0


class ArmedActorPresenceInline(admin.TabularInline):
    model = ArmedActorPresence
    fields = ["rank", "actor", "actor_type", "frequency", *ArmedActorPresence.ACTIVITIES]
    extra = 0


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["site", "visit_date", "project", "workers", "armed_presence", "child_labour", "is_latest"]
    list_filter = ["project", "armed_presence", "child_labour", "mercury", "qualification"]
    search_fields = ["site__pcode", "site__name", "source_key"]
    date_hierarchy = "visit_date"
    raw_id_fields = ["site"]
    readonly_fields = ["source_key", "row_hash", "is_latest"]
    filter_horizontal = ["state_services"]
    inlines = [VisitMineralInline, ArmedActorPresenceInline]


@admin.register(Mineral)
class MineralAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en"]
    search_fields = ["name", "name_en"]


@admin.register(ArmedActor, StateService)
class TermAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(TradingPoint)
class TradingPointAdmin(admin.ModelAdmin):
    list_display = ["name", "longitude", "latitude"]
    search_fields = ["name"]


@admin.register(Roadblock)
class RoadblockAdmin(admin.ModelAdmin):
    list_display = ["name", "observed_on", "operator", "longitude", "latitude"]
    search_fields = ["name", "taxes"]
    raw_id_fields = ["operator"]


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["finished_at", "source", "rows", "sites_created", "visits_created", "visits_updated", "skipped_rows"]
    readonly_fields = [field.name for field in ImportRun._meta.fields]

    def has_add_permission(self, request):
        return False
