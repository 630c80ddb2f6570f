from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "madini.incidents"
    verbose_name = _("Incidents")

    def ready(self):
        # Registers who may do what (rules.add_perm) before any view asks.
        from madini.incidents import permissions  # noqa: F401
