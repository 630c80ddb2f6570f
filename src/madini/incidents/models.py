"""Incidents reported by SMS (or entered by staff) and their category taxonomy.

The categories follow Annex II of the OECD Due Diligence Guidance as Kufatilia uses it;
they are data (loaded by a migration, editable in the admin), not code.
"""

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class IncidentCategory(models.Model):
    code = models.SlugField(max_length=50, unique=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    label_en = models.CharField(max_length=100)
    label_fr = models.CharField(max_length=100)
    label_sw = models.CharField(max_length=100)
    # Short labels for the SMS menu, where every character counts.
    sms_label_en = models.CharField(max_length=40)
    sms_label_fr = models.CharField(max_length=40)
    sms_label_sw = models.CharField(max_length=40)
    menu_order = models.PositiveSmallIntegerField(null=True, blank=True, help_text=_("Position in the SMS menu; empty = not offered"))
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["menu_order", "code"]
        verbose_name_plural = _("incident categories")

    def __str__(self):
        return self.label()

    def label(self, language=None):
        language = (language or translation.get_language() or "en")[:2]
        return getattr(self, f"label_{language}", None) or self.label_en

    def sms_label(self, language):
        return getattr(self, f"sms_label_{language}", None) or self.sms_label_en


class Incident(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        VALIDATED = "validated", _("validated")
        REJECTED = "rejected", _("rejected")
        DUPLICATE = "duplicate", _("duplicate")
        IN_FOLLOW_UP = "in_follow_up", _("in follow-up")
        RESOLVED = "resolved", _("resolved")
        UNRESOLVED = "unresolved", _("unresolved")

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        PHONE = "phone", _("phone call")
        IN_PERSON = "in_person", _("in person")
        FIELD = "field", _("field visit")

    class LocationPrecision(models.TextChoices):
        SITE = "site", _("mine site")
        PLACE = "place", _("village or place")
        TERRITORY = "territory", _("territory")
        PROVINCE = "province", _("province")
        UNKNOWN = "unknown", _("unknown")

    reference = models.CharField(max_length=12, unique=True, help_text=_("Code given to the reporter, e.g. KF-7QX3"))
    category = models.ForeignKey(IncidentCategory, on_delete=models.PROTECT, related_name="incidents")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED, db_index=True)
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.SMS)
    language = models.CharField(max_length=5, help_text=_("Language the reporter used"))
    occurred_on = models.DateField(null=True, blank=True)
    occurred_on_text = models.CharField(max_length=200, blank=True, help_text=_("The date as the reporter wrote it"))
    location_text = models.CharField(max_length=300, blank=True, help_text=_("The place as the reporter wrote it"))
    location_precision = models.CharField(max_length=20, choices=LocationPrecision.choices, default=LocationPrecision.UNKNOWN)
    site = models.ForeignKey("sites.Site", null=True, blank=True, on_delete=models.SET_NULL, related_name="incidents")
    place = models.ForeignKey("geo.Place", null=True, blank=True, on_delete=models.SET_NULL, related_name="incidents")
    area = models.ForeignKey("geo.AdminArea", null=True, blank=True, on_delete=models.SET_NULL, related_name="incidents")
    longitude = models.FloatField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    description = models.TextField(blank=True, help_text=_("What happened, in the reporter's words"))
    people_affected = models.PositiveIntegerField(null=True, blank=True)
    reporter = models.ForeignKey("sms.Reporter", null=True, blank=True, on_delete=models.SET_NULL, related_name="incidents")
    consent_to_contact = models.BooleanField(default=False, help_text=_("The reporter agreed to be contacted back"))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.reference
