"""Write paths for incidents: filing one (from an SMS questionnaire or by staff), correcting it,
following it up, publishing it and replying to its reporter. Every change is audited."""

import datetime
import secrets
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from madini.geo.models import AdminArea, Place
from madini.geo.queries import AreaIndex, find_area
from madini.incidents import audit
from madini.incidents.models import FollowUp, Incident, IncidentCategory
from madini.sites.models import Site

Level = AdminArea.Level

# What staff may correct on an incident (the reporter's own words stay as they were).
CORRECTABLE_FIELDS = ("category", "occurred_on", "site", "area", "severity", "people_affected", "organisation")


class ActionRefused(ValueError):
    """An action that cannot be done as asked; the message says why and what to do. Nothing changed."""

# No 0/O or 1/I: a reporter copies the code by hand from a feature phone's screen.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
REFERENCE_PREFIX = "KF-"
REFERENCE_LENGTH = 4
# After this many collisions in a row the 4-character space is crowded: codes grow a character.
ATTEMPTS_PER_LENGTH = 10
LONGEST_REFERENCE = len(REFERENCE_PREFIX) + REFERENCE_LENGTH + 1


def new_reference(length=REFERENCE_LENGTH):
    return REFERENCE_PREFIX + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(length))


def create_incident_from_session(session):
    """File the incident a completed questionnaire describes, and link the session's messages to it.

    The reporter's own words are kept beside what was read from them (date text, place text), so a
    CSO can always check the reading.
    """
    answers = session.answers
    incident = Incident(
        category=IncidentCategory.objects.get(id=answers["category"]),
        status=Incident.Status.RECEIVED,
        channel=Incident.Channel.SMS,
        language=session.language,
        occurred_on=datetime.date.fromisoformat(answers["occurred_on"]) if answers.get("occurred_on") else None,
        occurred_on_text=answers.get("occurred_on_text", ""),
        location_text=answers.get("location_text", ""),
        description=answers.get("description", ""),
        people_affected=answers.get("people_affected"),
        reporter=session.reporter,
        consent_to_contact=bool(answers.get("consent_to_contact")),
    )
    if answers.get("location_confirmed"):
        _locate(incident, answers["location"])
    set_admin_areas(incident)
    save_with_new_reference(incident)
    session.incident = incident
    session.save(update_fields=["incident", "updated_at"])
    session.inbound_messages.update(incident=incident)
    announce(incident)
    return incident


def enter_incident(user, channel, category, description, occurred_on=None, location_text="", site=None, area=None,
                   people_affected=None, severity=None, language=""):
    """An incident staff heard of by phone, in person or in the field, entered through the form."""
    if channel == Incident.Channel.SMS:
        raise ActionRefused(_("SMS reports arrive by themselves; choose phone call, in person or field visit."))
    incident = Incident(
        category=category,
        channel=channel,
        language=language or "",
        occurred_on=occurred_on,
        location_text=location_text,
        description=description,
        people_affected=people_affected,
        severity=severity,
        created_by=user,
    )
    if site is not None:
        link_site(incident, site)
    elif area is not None:
        link_area(incident, area)
    set_admin_areas(incident)
    with transaction.atomic():
        save_with_new_reference(incident)
        audit.record(user, audit.Action.CREATED, incident, channel=channel)
        announce(incident)
    return incident


def announce(incident):
    """Tell the organisations covering the incident's province, once it is committed."""
    from madini.incidents.tasks import notify_new_incident

    transaction.on_commit(partial(notify_new_incident.enqueue, incident.id), robust=True)


def link_site(incident, site):
    incident.site = site
    incident.place = None
    incident.area_id = site.territory_area_id or site.province_area_id
    incident.longitude, incident.latitude = site.longitude, site.latitude
    incident.location_precision = Incident.LocationPrecision.SITE


def link_area(incident, area):
    incident.site = None
    incident.place = None
    incident.area = area
    incident.longitude = incident.latitude = None
    incident.location_precision = (
        Incident.LocationPrecision.TERRITORY if area.level >= Level.TERRITORY else Incident.LocationPrecision.PROVINCE
    )


def set_admin_areas(incident):
    """Fill the incident's province and territory from its site, area or point: the province decides
    which organisations handle it."""
    province = territory = None
    if incident.site_id:
        site = incident.site
        province_id, territory_id = site.province_area_id, site.territory_area_id
        province = AdminArea.objects.filter(id=province_id).first() if province_id else None
        territory = AdminArea.objects.filter(id=territory_id).first() if territory_id else None
        # Sites whose areas were never assigned (no boundaries loaded) still name their province.
        province = province or find_area(site.province, level=Level.PROVINCE)
        territory = territory or find_area(site.territory, level=Level.TERRITORY)
    elif incident.area_id:
        area = incident.area
        if area.level == Level.PROVINCE:
            province = area
        elif area.level == Level.TERRITORY:
            territory, province = area, area.parent
    elif incident.longitude is not None and incident.latitude is not None:
        found = AreaIndex.from_database(levels=[Level.PROVINCE, Level.TERRITORY]).areas_at(
            incident.longitude, incident.latitude
        )
        province = AdminArea.objects.filter(id=found.get(Level.PROVINCE)).first()
        territory = AdminArea.objects.filter(id=found.get(Level.TERRITORY)).first()
    if territory is not None and province is None:
        province = territory.parent
    incident.province, incident.territory = province, territory


def correct_incident(incident, user, **changes):
    """Staff corrections (category, date, location, site, severity, people affected, organisation)."""
    unknown = set(changes) - set(CORRECTABLE_FIELDS)
    if unknown:
        raise ActionRefused(_("These fields cannot be corrected: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    if "severity" in changes and changes["severity"] not in (None, *Incident.Severity.values):
        raise ActionRefused(_("Severity must be 1 (high), 2 (medium) or 3 (low)."))
    before = {field: _shown(getattr(incident, field)) for field in changes}
    for field, value in changes.items():
        if field == "site":
            if value is not None:
                link_site(incident, value)
            elif incident.site_id:
                incident.site = None
                incident.location_precision = Incident.LocationPrecision.UNKNOWN
        elif field == "area":
            if value is not None:
                link_area(incident, value)
        else:
            setattr(incident, field, value)
    if {"site", "area"} & set(changes):
        set_admin_areas(incident)
    after = {field: _shown(getattr(incident, field)) for field in changes}
    changed = {field: [before[field], after[field]] for field in changes if before[field] != after[field]}
    if not changed:
        return incident
    with transaction.atomic():
        incident.save()
        audit.record(user, audit.Action.CHANGED, incident, changes=changed)
    return incident


def _shown(value):
    """A value as the audit trail keeps it: what a person reads, not a database id."""
    if value is None:
        return None
    if isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def set_publication(incident, user, published, public_summary=None):
    """Publish (or withdraw) an incident on the public dashboard; only validated cases can go out."""
    if published and incident.status in (Incident.Status.RECEIVED, Incident.Status.REJECTED, Incident.Status.DUPLICATE):
        raise ActionRefused(_("Only validated incidents can be published. Validate it first."))
    if public_summary is not None:
        incident.public_summary = public_summary.strip()
    if published and not incident.published:
        incident.published_at = timezone.now()
    incident.published = published
    with transaction.atomic():
        incident.save(update_fields=["published", "published_at", "public_summary", "updated_at"])
        audit.record(user, audit.Action.PUBLISHED, incident, published=published, public_summary=incident.public_summary)
    return incident


def add_follow_up(incident, user, kind, done_on, organisation, notes="", outcome=""):
    if done_on > timezone.localdate():
        raise ActionRefused(_("A follow-up is recorded once done: its date cannot be in the future."))
    with transaction.atomic():
        follow_up = FollowUp.objects.create(
            incident=incident, kind=kind, done_on=done_on, organisation=organisation,
            notes=notes, outcome=outcome, recorded_by=user,
        )
        audit.record(user, audit.Action.FOLLOWED_UP, incident, kind=kind, organisation=str(organisation))
    return follow_up


def reply_to_reporter(incident, user, text):
    """Send `text` to the incident's reporter through the encrypted reply channel; the number is never shown."""
    from madini.incidents.closing import reply_channel
    from madini.sms.outbound import queue_message
    from madini.sms.text import count_segments

    text = text.strip()
    if not text:
        raise ActionRefused(_("Write the message to send."))
    if count_segments(text) > 3:
        raise ActionRefused(_("The message is too long for a basic phone: keep it within 3 SMS (about 450 letters)."))
    reporter = incident.reporter
    if reporter is None or reporter.encrypted_number is None:
        raise ActionRefused(_("This reporter cannot be reached by SMS: the incident did not come by SMS, or the number was erased."))
    channel = reply_channel(reporter)
    if channel is None:
        raise ActionRefused(_("No active SMS channel reaches this reporter. Ask an administrator to reactivate it."))
    with transaction.atomic():
        message = queue_message(channel, reporter, text, incident=incident)
        audit.record(user, audit.Action.REPLIED, incident, outbound_message=message.id)
    return message


def _locate(incident, match):
    """Copy the confirmed match's place and point; a match whose row has gone since stays text only."""
    if match["kind"] == "site":
        site = Site.objects.filter(id=match["id"]).first()
        if site is None:
            return
        incident.site = site
        incident.area_id = site.territory_area_id or site.province_area_id
    elif match["kind"] == "place":
        incident.place = Place.objects.filter(id=match["id"]).first()
        if incident.place is None:
            return
    else:
        incident.area = AdminArea.objects.filter(id=match["id"]).first()
        if incident.area is None:
            return
    incident.location_precision = match["precision"]
    incident.longitude = match.get("longitude")
    incident.latitude = match.get("latitude")


def save_with_new_reference(incident):
    for attempt in range(2 * ATTEMPTS_PER_LENGTH):
        incident.reference = new_reference(REFERENCE_LENGTH + attempt // ATTEMPTS_PER_LENGTH)
        try:
            with transaction.atomic():
                incident.save(force_insert=True)
            return
        except IntegrityError:
            if not Incident.objects.filter(reference=incident.reference).exists():
                raise
    raise IntegrityError(f"No free incident reference after {2 * ATTEMPTS_PER_LENGTH} attempts")
