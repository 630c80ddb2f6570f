"""SMS channels, anonymous reporters, inbound and outbound messages, questionnaire sessions, prices.

No phone number is ever stored in clear: a reporter is known by a keyed HMAC pseudonym, and
the number needed to reply is kept encrypted (sms.anonymity). Raw gateway payloads are stored
with the sender's number replaced by the pseudonym.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.Model):
    class Gateway(models.TextChoices):
        AFRICASTALKING = "africastalking", "Africa's Talking"
        TWILIO = "twilio", "Twilio"
        VONAGE = "vonage", "Vonage"
        SMSSYNC = "smssync", "SMSSync"
        GENERIC = "generic", _("Generic JSON webhook")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=100)
    gateway = models.CharField(max_length=20, choices=Gateway.choices)
    number = models.CharField(max_length=20, help_text=_("The platform's own number or short code, E.164 or short code"))
    country_code = models.CharField(max_length=2, help_text=_("ISO 3166-1 alpha-2 of the number's country, e.g. CD, TZ"))
    secret = models.CharField(
        max_length=200,
        help_text=_("Signature key or shared secret the gateway authenticates with (auth token, signature secret …)"),
    )
    config = models.JSONField(default=dict, blank=True, help_text=_("Gateway account settings (username, API key id …)"))
    default_language = models.CharField(max_length=5, choices=settings.LANGUAGES, default="sw")
    active = models.BooleanField(default=True)
    max_outbound_per_minute = models.PositiveIntegerField(default=60)

    def __str__(self):
        return f"{self.name} ({self.get_gateway_display()})"


class Reporter(models.Model):
    pseudonym = models.CharField(max_length=64, unique=True, help_text=_("Keyed HMAC of the E.164 number"))
    encrypted_number = models.BinaryField(null=True, blank=True, help_text=_("Fernet token, used only to reply"))
    country_code = models.CharField(max_length=2, blank=True)
    language = models.CharField(max_length=5, blank=True)
    first_seen_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now=True)
    number_erased_at = models.DateTimeField(null=True, blank=True)

    @property
    def display_name(self):
        return _("Reporter %(code)s") % {"code": self.pseudonym[:4].upper()}

    def __str__(self):
        return str(self.display_name)


class InboundPart(models.Model):
    """One part of a concatenated (multipart) SMS, joined into a message once all parts have arrived.

    A part is known by its own gateway message id, not by its concat reference: the reference is a
    small counter (0-255 in the SMS header) that a phone reuses, so it only groups parts still waiting.
    """

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE)
    reporter = models.ForeignKey(Reporter, on_delete=models.CASCADE)
    concat_ref = models.CharField(max_length=64)
    total_parts = models.PositiveSmallIntegerField()
    part_number = models.PositiveSmallIntegerField()
    gateway_message_id = models.CharField(max_length=100)
    text = models.TextField()
    raw_payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    message = models.ForeignKey(
        "InboundMessage", null=True, blank=True, on_delete=models.CASCADE, related_name="parts",
        help_text=_("The message the parts were joined into; empty while parts are missing"),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "gateway_message_id"], name="unique_inbound_part")
        ]
        indexes = [models.Index(fields=["channel", "reporter", "concat_ref"], name="inbound_part_group")]


class InboundMessage(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        PROCESSED = "processed", _("processed")
        FAILED = "failed", _("failed")

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="inbound_messages")
    gateway_message_id = models.CharField(max_length=100, help_text=_("Makes delivery idempotent"))
    reporter = models.ForeignKey(Reporter, on_delete=models.PROTECT, related_name="inbound_messages")
    text = models.TextField()
    raw_payload = models.JSONField(help_text=_("As the gateway sent it, sender number replaced by the pseudonym"))
    sent_at = models.DateTimeField(null=True, blank=True, help_text=_("When the gateway says the message was sent"))
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    session = models.ForeignKey("Session", null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound_messages")
    incident = models.ForeignKey(
        "incidents.Incident", null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound_messages"
    )
    unsolicited = models.BooleanField(default=False, help_text=_("Neither a keyword nor an answer, and no open incident"))

    class Meta:
        ordering = ["received_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "gateway_message_id"], name="unique_gateway_message")
        ]


class OutboundMessage(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("failed")

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="outbound_messages")
    reporter = models.ForeignKey(Reporter, on_delete=models.PROTECT, related_name="outbound_messages")
    text = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    gateway_message_id = models.CharField(max_length=100, blank=True, db_index=True)
    in_reply_to = models.ForeignKey(InboundMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="replies")
    incident = models.ForeignKey(
        "incidents.Incident", null=True, blank=True, on_delete=models.SET_NULL, related_name="outbound_messages"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # One reply per inbound message: replaying a message never answers twice.
            models.UniqueConstraint(fields=["in_reply_to"], name="one_reply_per_inbound_message")
        ]
        # The per-channel throttle counts the messages a channel handed over in the last minute.
        indexes = [models.Index(fields=["channel", "sent_at"], name="outbound_channel_sent_at")]


class Session(models.Model):
    """A reporter's walk through the questionnaire."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        COMPLETED = "completed", _("completed")
        CANCELLED = "cancelled", _("cancelled")
        EXPIRED = "expired", _("expired")

    reporter = models.ForeignKey(Reporter, on_delete=models.CASCADE, related_name="sessions")
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="sessions")
    language = models.CharField(max_length=5, blank=True)
    step = models.CharField(max_length=40)
    answers = models.JSONField(default=dict)
    invalid_answers = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    expires_at = models.DateTimeField()
    incident = models.OneToOneField(
        "incidents.Incident", null=True, blank=True, on_delete=models.SET_NULL, related_name="session"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["reporter"], condition=models.Q(status="active"), name="one_active_session_per_reporter"
            )
        ]


class MineralPrice(models.Model):
    """A price recorded by staff, returned by MATOKEO."""

    mineral = models.ForeignKey("sites.Mineral", on_delete=models.PROTECT, related_name="prices")
    market = models.CharField(max_length=100, help_text=_("Where the price was observed, e.g. Bukavu"))
    price = models.DecimalField(max_digits=12, decimal_places=2)
    unit = models.CharField(max_length=20, help_text=_("e.g. kg, g, tola"))
    currency = models.CharField(max_length=3, help_text=_("ISO 4217, e.g. USD, CDF, TZS"))
    recorded_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["-recorded_on", "mineral__name"]

    def __str__(self):
        return f"{self.mineral} {self.price} {self.currency}/{self.unit} ({self.market}, {self.recorded_on})"
