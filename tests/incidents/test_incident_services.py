import pytest

from madini.incidents import services
from madini.incidents.models import Incident, IncidentCategory
from madini.incidents.services import REFERENCE_ALPHABET, create_incident_from_session, new_reference
from madini.sites.models import Site
from madini.sms.commands.simulate import Simulator
from madini.sms.models import Session

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(db):
    simulator = Simulator(language="fr")
    simulator.send("KUFATILIA")
    session = Session.objects.get()
    session.answers.update(
        {
            "language": "fr",
            "category": IncidentCategory.objects.get(code="child-labour").id,
            "occurred_on": "2026-03-12",
            "occurred_on_text": "12 mars",
            "location": None,
            "location_text": "près du marché",
            "description": "Des enfants lavent le minerai",
            "people_affected": 7,
            "consent_to_contact": True,
        }
    )
    session.save()
    return session


def test_a_reference_is_kf_and_four_characters_nobody_misreads():
    references = {new_reference() for _ in range(500)}

    assert all(len(reference) == 7 and reference.startswith("KF-") for reference in references)
    assert set("".join(reference[3:] for reference in references)) <= set(REFERENCE_ALPHABET)
    assert not set("01OI") & set(REFERENCE_ALPHABET)


def test_an_incident_keeps_the_reporters_words_beside_what_was_read_from_them(session):
    incident = create_incident_from_session(session)

    assert incident.status == Incident.Status.RECEIVED and incident.channel == Incident.Channel.SMS
    assert (incident.language, str(incident.occurred_on), incident.occurred_on_text) == ("fr", "2026-03-12", "12 mars")
    assert incident.location_text == "près du marché"
    assert incident.location_precision == Incident.LocationPrecision.UNKNOWN
    assert (incident.description, incident.people_affected, incident.consent_to_contact) == ("Des enfants lavent le minerai", 7, True)
    assert incident.reporter == session.reporter
    assert session.incident == incident
    assert list(incident.inbound_messages.all()) == list(session.inbound_messages.all())


def test_a_confirmed_site_locates_the_incident(session):
    site = Site.objects.create(pcode="test-1", name="Kadumwa", key="kadumwa", longitude=28.12, latitude=-3.01)
    session.answers["location"] = {
        "kind": "site", "id": site.id, "name": "Kadumwa", "within": "", "precision": "site", "longitude": 28.12, "latitude": -3.01,
    }
    session.answers["location_confirmed"] = True

    incident = create_incident_from_session(session)

    assert (incident.site, incident.location_precision) == (site, Incident.LocationPrecision.SITE)
    assert (incident.longitude, incident.latitude) == (28.12, -3.01)


def test_a_reference_already_taken_is_drawn_again(session, monkeypatch):
    taken = Incident.objects.create(reference="KF-2222", category=IncidentCategory.objects.first(), language="sw")
    drawn = iter(["KF-2222", "KF-3333"])
    monkeypatch.setattr(services, "new_reference", lambda length: next(drawn))

    incident = create_incident_from_session(session)

    assert incident.reference == "KF-3333" and taken.reference == "KF-2222"


def test_a_crowded_code_space_makes_longer_references(session, monkeypatch):
    Incident.objects.create(reference="KF-2222", category=IncidentCategory.objects.first(), language="sw")
    lengths = []

    def draw(length):
        lengths.append(length)
        return "KF-2222" if length == 4 else "KF-33333"

    monkeypatch.setattr(services, "new_reference", draw)

    assert create_incident_from_session(session).reference == "KF-33333"
    assert lengths == [4] * services.ATTEMPTS_PER_LENGTH + [5]
