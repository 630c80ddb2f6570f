"""Write paths for incidents: filing one from a finished SMS questionnaire."""

import datetime
import secrets

from django.db import IntegrityError, transaction

from madini.geo.models import AdminArea, Place
from madini.incidents.models import Incident, IncidentCategory
from madini.sites.models import Site

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
    _save_with_new_reference(incident)
    session.incident = incident
    session.save(update_fields=["incident", "updated_at"])
    session.inbound_messages.update(incident=incident)
    return incident


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


def _save_with_new_reference(incident):
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
