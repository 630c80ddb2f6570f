"""Who may do what with incidents: the one place that decides it.

Every page, export and API endpoint asks here, either through Django's permission API
(`user.has_perm("incidents.act_on_incident", incident)`, answered by the `rules` backend) or, for
lists, through `visible_incidents(user)`, which applies the same scope as a query.

Roles (madini.network.Membership):
- network administrator: everything, and the audit trail;
- network coordinator: sees and acts on every incident;
- CSO member: sees and acts on incidents in the provinces their organisation covers, and on
  incidents assigned to their organisation;
- analyst: reads incidents and figures everywhere, never personal data (the reporter's words,
  the transcript, the pseudonym);
- the public: only the public dashboard (madini.incidents.public).
"""

import rules
from django.db.models import Q

from madini.network.models import Membership

Role = Membership.Role


def roles_of(user):
    """The user's roles, read once per request object and kept on it."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_madini_roles", None)
    if cached is None:
        cached = frozenset(user.memberships.values_list("role", flat=True))
        user._madini_roles = cached
    return cached


def organisation_ids_of(user):
    cached = getattr(user, "_madini_organisation_ids", None)
    if cached is None:
        cached = frozenset(
            user.memberships.filter(role=Role.CSO_MEMBER).values_list("organisation_id", flat=True)
        )
        user._madini_organisation_ids = cached
    return cached


def covered_province_ids(user):
    cached = getattr(user, "_madini_province_ids", None)
    if cached is None:
        from madini.network.models import Organisation

        cached = frozenset(
            Organisation.provinces.through.objects.filter(
                organisation_id__in=organisation_ids_of(user), organisation__active=True
            ).values_list("adminarea_id", flat=True)
        )
        user._madini_province_ids = cached
    return cached


@rules.predicate
def is_network_admin(user):
    return user.is_superuser or Role.NETWORK_ADMIN in roles_of(user)


@rules.predicate
def is_coordinator(user):
    return Role.COORDINATOR in roles_of(user)


@rules.predicate
def is_cso_member(user):
    return Role.CSO_MEMBER in roles_of(user)


@rules.predicate
def is_analyst(user):
    return Role.ANALYST in roles_of(user)


@rules.predicate
def incident_in_my_scope(user, incident):
    """The incident lies in a province my organisation covers, or is assigned to my organisation."""
    if incident is None:
        return False
    return incident.organisation_id in organisation_ids_of(user) or incident.province_id in covered_province_ids(user)


@rules.predicate
def my_organisation(user, organisation):
    return organisation is not None and organisation.id in organisation_ids_of(user)


sees_everything = is_network_admin | is_coordinator
is_network_staff = sees_everything | is_cso_member | is_analyst
acts_on = sees_everything | (is_cso_member & incident_in_my_scope)

# Incidents.
rules.add_perm("incidents.list_incidents", is_network_staff)
rules.add_perm("incidents.view_incident", sees_everything | is_analyst | (is_cso_member & incident_in_my_scope))
# The reporter's words, the transcript and the pseudonym: never for analysts.
rules.add_perm("incidents.view_personal_data", acts_on)
rules.add_perm("incidents.act_on_incident", acts_on)  # edit, transition, follow up, publish
rules.add_perm("incidents.reply_to_reporter", acts_on)
rules.add_perm("incidents.enter_incident", sees_everything | is_cso_member)
rules.add_perm("incidents.export_incidents", is_network_staff)
rules.add_perm("incidents.view_network_figures", is_network_staff)
rules.add_perm("incidents.view_audit_trail", is_network_admin)
# Workshops: the network's roles for all, a CSO member for their own organisation.
rules.add_perm("network.record_workshop", sees_everything | (is_cso_member & my_organisation))

INCIDENT_ACTIONS = {
    "view": "incidents.view_incident",
    "view_personal_data": "incidents.view_personal_data",
    "act": "incidents.act_on_incident",
    "reply": "incidents.reply_to_reporter",
}


def visible_incidents(user, queryset=None):
    """The incidents `user` may see, as a query: the list-shaped twin of `incidents.view_incident`."""
    from madini.incidents.models import Incident

    queryset = Incident.objects.all() if queryset is None else queryset
    if sees_everything(user) or is_analyst(user):
        return queryset
    if is_cso_member(user):
        return queryset.filter(
            Q(province_id__in=covered_province_ids(user)) | Q(organisation_id__in=organisation_ids_of(user))
        )
    return queryset.none()


def organisations_for_follow_up(user):
    """The organisations `user` may record a follow-up (or a workshop) for."""
    from madini.network.models import Organisation

    if sees_everything(user):
        return Organisation.objects.filter(active=True)
    return Organisation.objects.filter(id__in=organisation_ids_of(user), active=True)


def visible_workshops(user):
    from madini.network.models import Workshop

    """Workshops in the user's scope, as for incidents: a CSO member sees their organisation's and
    those in the provinces it covers; the network's roles see all."""
    if sees_everything(user) or is_analyst(user):
        return Workshop.objects.all()
    if is_cso_member(user):
        return Workshop.objects.filter(
            Q(organisation_id__in=organisation_ids_of(user)) | Q(province_id__in=covered_province_ids(user))
        )
    return Workshop.objects.none()
