"""Staff's view of incidents and of the category taxonomy (data the network adjusts here).

An incident shows its conversation with the reporter, who appears only as a pseudonym. It is
read-only here, for network administrators: cases are handled on the casework pages (/cases/).
"""

from itertools import chain

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from madini.incidents.models import Incident, IncidentCategory


class SubcategoryInline(admin.TabularInline):
    model = IncidentCategory
    fk_name = "parent"
    fields = ["code", "label_en", "label_fr", "label_sw", "active"]
    extra = 0
    verbose_name_plural = _("subcategories")


@admin.register(IncidentCategory)
class IncidentCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "label_en", "label_fr", "label_sw", "parent", "menu_order", "active"]
    list_editable = ["menu_order", "active"]
    list_filter = ["active", "parent"]
    search_fields = ["code", "label_en", "label_fr", "label_sw"]
    fieldsets = [
        (None, {"fields": ["code", "parent", "menu_order", "active"]}),
        (_("Labels"), {"fields": ["label_en", "label_fr", "label_sw"]}),
        (_("SMS menu labels (keep them short)"), {"fields": ["sms_label_en", "sms_label_fr", "sms_label_sw"]}),
    ]
    inlines = [SubcategoryInline]


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ["reference", "created_at", "category", "status", "occurred_on", "location", "language", "reporter"]
    list_filter = ["status", "category", "channel", "language", "location_precision", "consent_to_contact"]
    list_select_related = ["category", "site", "place", "area", "reporter"]
    search_fields = ["reference", "location_text", "description"]
    date_hierarchy = "created_at"
    raw_id_fields = ["site", "place", "area"]
    readonly_fields = [
        "reference", "status", "channel", "language", "reporter", "created_at", "updated_at", "conversation",
    ]
    fieldsets = [
        (None, {"fields": ["reference", "status", "category", "channel", "language", "created_at", "updated_at"]}),
        (_("What and when"), {"fields": ["description", "people_affected", "occurred_on", "occurred_on_text"]}),
        (
            _("Where"),
            {"fields": ["location_text", "location_precision", "site", "place", "area", "longitude", "latitude"]},
        ),
        (_("Reporter"), {"fields": ["reporter", "consent_to_contact", "conversation"]}),
    ]

    # Cases are handled on the casework pages, where each change goes through the workflow and the
    # audit trail; here network administrators only look.
    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("incidents.view_audit_trail")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("location"))
    def location(self, incident):
        return incident.site or incident.place or incident.area or incident.location_text

    @admin.display(description=_("conversation"))
    def conversation(self, incident):
        received = ((message.received_at, _("reporter"), message.text) for message in incident.inbound_messages.all())
        sent = ((message.created_at, "Kufatilia", message.text) for message in incident.outbound_messages.all())
        lines = [
            (f"{localtime(when):%Y-%m-%d %H:%M}", who, text)
            for when, who, text in sorted(chain(received, sent), key=lambda line: line[0])
        ]
        if not lines:
            return "-"
        rows = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", lines)
        return format_html("<table>{}</table>", rows)
