"""Incidents reported by SMS (or entered by staff) and their category taxonomy.

The categories follow Annex II of the OECD Due Diligence Guidance as Kufatilia uses it;
they are data (loaded by a migration, editable in the admin), not code.
"""

from django.conf import settings
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


class Severity(models.IntegerChoices):
    HIGH = 1, _("1 – high")
    MEDIUM = 2, _("2 – medium")
    LOW = 3, _("3 – low")


class Incident(models.Model):
    Severity = Severity

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

    # Where the case is handled: the province decides which organisations see it.
    province = models.ForeignKey(
        "geo.AdminArea", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", limit_choices_to={"level": 1}
    )
    territory = models.ForeignKey(
        "geo.AdminArea", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", limit_choices_to={"level": 2}
    )
    organisation = models.ForeignKey(
        "network.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_incidents",
        help_text=_("The organisation the case is assigned to"),
    )
    severity = models.PositiveSmallIntegerField(choices=Severity.choices, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The staff member who entered it (empty for SMS reports)"),
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_duplicates"
    )
    validated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, help_text=_("When it was rejected, merged, resolved or left unresolved"))
    validation_escalated_at = models.DateTimeField(null=True, blank=True)
    resolution_escalated_at = models.DateTimeField(null=True, blank=True)
    closing_message_queued_at = models.DateTimeField(null=True, blank=True)

    # What the public sees, and only once staff decide so.
    published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    public_summary = models.TextField(
        blank=True, help_text=_("Written by staff for the public dashboard; the reporter's words are never published")
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["published", "status", "occurred_on"], name="incident_public")]

    def __str__(self):
        return self.reference

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES


OPEN_STATUSES = (Incident.Status.RECEIVED, Incident.Status.VALIDATED, Incident.Status.IN_FOLLOW_UP)


class Transition(models.Model):
    """One move of an incident through the workflow: who, when, why."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=Incident.Status.choices)
    to_status = models.CharField(max_length=20, choices=Incident.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]


class FollowUp(models.Model):
    """What an organisation did about an incident."""

    class Kind(models.TextChoices):
        VERIFICATION_VISIT = "verification_visit", _("verification visit")
        MEDIATION = "mediation", _("mediation")
        REFERRAL = "referral", _("referral to authorities or state services")
        ADVOCACY = "advocacy", _("advocacy")
        AWARENESS = "awareness", _("awareness-raising")
        OTHER = "other", _("other")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="follow_ups")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    done_on = models.DateField()
    organisation = models.ForeignKey("network.Organisation", on_delete=models.PROTECT, related_name="follow_ups")
    notes = models.TextField(blank=True)
    outcome = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["done_on", "id"]


class AuditEvent(models.Model):
    """A view of an incident's sensitive fields, or a change to it: visible to network administrators."""

    class Action(models.TextChoices):
        VIEWED = "viewed", _("viewed")
        CHANGED = "changed", _("changed")
        TRANSITIONED = "transitioned", _("changed status")
        FOLLOWED_UP = "followed_up", _("recorded a follow-up")
        REPLIED = "replied", _("replied to the reporter")
        PUBLISHED = "published", _("changed publication")
        CREATED = "created", _("entered")
        EXPORTED = "exported", _("exported")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.CASCADE, related_name="audit_events")
    action = models.CharField(max_length=20, choices=Action.choices)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
