"""The civil-society network: organisations, who belongs to them in which role, and outreach workshops.

Roles are held through memberships, so one person can be, say, a member of one organisation and
the network's coordinator. What each role may do is decided in one place: madini.incidents.permissions.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    acronym = models.CharField(max_length=30, blank=True)
    provinces = models.ManyToManyField(
        "geo.AdminArea",
        blank=True,
        related_name="organisations",
        limit_choices_to={"level": 1},
        help_text=_("The provinces where the organisation acts on incidents"),
    )
    email = models.EmailField(blank=True, help_text=_("Shared address; members are notified at their own"))
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.acronym or self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        NETWORK_ADMIN = "network_admin", _("network administrator")
        COORDINATOR = "coordinator", _("network coordinator")
        CSO_MEMBER = "cso_member", _("CSO member")
        ANALYST = "analyst", _("analyst")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
        help_text=_("Required for CSO members; optional for the network-wide roles"),
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    daily_digest = models.BooleanField(
        default=False, help_text=_("One email a day with the new incidents instead of one email per incident")
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="unique_membership"),
            models.CheckConstraint(
                condition=~models.Q(role="cso_member") | models.Q(organisation__isnull=False),
                name="cso_member_has_organisation",
            ),
        ]

    def __str__(self):
        where = f" ({self.organisation})" if self.organisation_id else ""
        return f"{self.user} — {self.get_role_display()}{where}"


class Workshop(models.Model):
    """An outreach or awareness workshop, counted in the network figures."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="workshops")
    held_on = models.DateField()
    place = models.CharField(max_length=200)
    province = models.ForeignKey(
        "geo.AdminArea", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", limit_choices_to={"level": 1}
    )
    men_reached = models.PositiveIntegerField(default=0)
    women_reached = models.PositiveIntegerField(default=0)
    topic = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-held_on"]

    @property
    def people_reached(self):
        return self.men_reached + self.women_reached

    def __str__(self):
        return f"{self.held_on} {self.place} ({self.organisation})"
