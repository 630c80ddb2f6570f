"""Staff's view of SMS reporting: channels to set up, prices to record, and messages and sessions
to read (never to edit: they are the record of what reporters said and were told).

No page shows a number: a reporter is a pseudonym ("Reporter 4F2K"), the encrypted number is no
field of any form, and a channel's secret can be replaced but not read back.
"""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django import forms
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from madini.sms.gateways.base import gateway_for, new_shared_secret
from madini.sms.models import Channel, InboundMessage, MineralPrice, OutboundMessage, Reporter, Session


class ChannelForm(forms.ModelForm):
    secret = forms.CharField(
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "Write-only: leave empty to keep the current secret. Twilio: the account's auth token; "
            "Vonage: the signature secret. Africa's Talking, SMSSync and the generic webhook: "
            "generated when the channel is created with none."
        ),
    )

    class Meta:
        model = Channel
        fields = [
            "name", "gateway", "number", "country_code", "default_language", "secret", "config", "active",
            "max_outbound_per_minute",
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("secret") or "gateway" not in cleaned:
            return cleaned
        if self.instance.pk:
            cleaned["secret"] = self.instance.secret
        elif gateway_for(Channel(gateway=cleaned["gateway"])).shared_secret:
            cleaned["secret"] = new_shared_secret()
        else:
            self.add_error("secret", _("This gateway issues the secret: copy it from the provider's dashboard."))
        return cleaned


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    form = ChannelForm
    list_display = ["name", "gateway", "number", "country_code", "default_language", "active"]
    list_filter = ["gateway", "active", "country_code"]
    readonly_fields = ["uuid", "callback_urls"]

    @admin.display(description=_("URLs to enter at the gateway"))
    def callback_urls(self, channel):
        if channel.pk is None:
            return _("Shown once the channel is saved.")
        inbound, status = (_without_secret(url) for url in gateway_for(channel).callback_urls())
        return format_html("{}: {}<br>{}: {}", _("Inbound"), inbound, _("Status"), status)


def _without_secret(url):
    parts = urlsplit(url)
    query = [(key, "SECRET" if key == "secret" else value) for key, value in parse_qsl(parts.query)]
    return urlunsplit(parts._replace(query=urlencode(query)))


@admin.display(description=_("text"))
def short_text(message):
    return message.text[:80]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Reporter)
class ReporterAdmin(ReadOnlyAdmin):
    list_display = ["display_name", "country_code", "language", "first_seen_at", "last_seen_at"]
    list_filter = ["country_code", "language"]
    search_fields = ["pseudonym__istartswith"]
    fields = ["display_name", "country_code", "language", "first_seen_at", "last_seen_at", "number_erased_at"]
    readonly_fields = fields

    @admin.display(description=_("reporter"))
    def display_name(self, reporter):
        return reporter.display_name


@admin.register(InboundMessage)
class InboundMessageAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "channel", "reporter", short_text, "status", "unsolicited", "incident"]
    list_filter = ["status", "unsolicited", "channel"]
    list_select_related = ["channel", "reporter", "incident"]
    date_hierarchy = "received_at"
    fields = [
        "channel", "gateway_message_id", "reporter", "text", "sent_at", "received_at", "status", "processed_at",
        "error", "session", "incident", "unsolicited", "raw_payload",
    ]
    readonly_fields = fields


@admin.register(OutboundMessage)
class OutboundMessageAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "channel", "reporter", short_text, "status", "attempts", "incident"]
    list_filter = ["status", "channel"]
    list_select_related = ["channel", "reporter", "incident"]
    date_hierarchy = "created_at"
    fields = [
        "channel", "reporter", "text", "status", "attempts", "next_attempt_at", "gateway_message_id", "in_reply_to",
        "incident", "created_at", "sent_at", "delivered_at", "error",
    ]
    readonly_fields = fields


@admin.register(Session)
class SessionAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "reporter", "channel", "language", "step", "status", "incident"]
    list_filter = ["status", "language", "channel"]
    list_select_related = ["reporter", "channel", "incident"]
    fields = [
        "reporter", "channel", "language", "step", "answers", "invalid_answers", "status", "started_at", "updated_at",
        "expires_at", "incident",
    ]
    readonly_fields = fields


@admin.register(MineralPrice)
class MineralPriceAdmin(admin.ModelAdmin):
    list_display = ["recorded_on", "mineral", "market", "price", "currency", "unit", "recorded_by"]
    list_filter = ["mineral", "market", "currency"]
    date_hierarchy = "recorded_on"
    exclude = ["recorded_by"]

    def save_model(self, request, obj, form, change):
        obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
