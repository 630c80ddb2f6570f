from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "madini.network"
    verbose_name = _("CSO network")
    default_auto_field = "django.db.models.BigAutoField"
