from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SmsConfig(AppConfig):
    name = "madini.sms"
    verbose_name = _("SMS reporting (Kufatilia)")

    def ready(self):
        # Connects the signals that drop a saved channel from the webhook's cache.
        from madini.sms import channels  # noqa: F401
