"""The network's organisations, who holds which role in them, and their outreach workshops."""

from django.contrib import admin
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from madini.geo.models import AdminArea
from madini.network.models import Membership, Organisation, Workshop


class WithoutBoundaries:
    """Province choices without their GeoJSON boundaries, which the admin's widgets never show."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is AdminArea:
            kwargs["queryset"] = AdminArea.objects.filter(level=AdminArea.Level.PROVINCE).defer("geometry")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.related_model is AdminArea:
            kwargs["queryset"] = AdminArea.objects.filter(level=AdminArea.Level.PROVINCE).defer("geometry")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["user", "role", "daily_digest"]
    raw_id_fields = ["user"]
    extra = 0
    verbose_name_plural = _("members")


@admin.register(Organisation)
class OrganisationAdmin(WithoutBoundaries, admin.ModelAdmin):
    list_display = ["name", "acronym", "covered_provinces", "email", "active"]
    list_filter = ["active"]
    search_fields = ["name", "acronym"]
    filter_horizontal = ["provinces"]
    inlines = [MembershipInline]

    def get_queryset(self, request):
        provinces = AdminArea.objects.defer("geometry")
        return super().get_queryset(request).prefetch_related(Prefetch("provinces", provinces))

    @admin.display(description=_("provinces"))
    def covered_provinces(self, organisation):
        return ", ".join(province.name for province in organisation.provinces.all()) or "—"


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organisation", "daily_digest"]
    list_filter = ["role", "organisation", "daily_digest"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__username", "user__email", "organisation__name", "organisation__acronym"]
    raw_id_fields = ["user"]


@admin.register(Workshop)
class WorkshopAdmin(WithoutBoundaries, admin.ModelAdmin):
    list_display = ["held_on", "place", "province", "organisation", "topic", "men_reached", "women_reached"]
    list_filter = ["organisation"]
    search_fields = ["place", "topic", "organisation__name", "organisation__acronym"]
    date_hierarchy = "held_on"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation", "province").defer("province__geometry")
