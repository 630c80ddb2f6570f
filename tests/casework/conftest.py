"""The network as tests need it: two provinces, organisations covering them, a user per role, incidents."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from madini.geo.models import AdminArea
from madini.incidents.models import Incident, IncidentCategory
from madini.incidents.services import set_admin_areas, save_with_new_reference
from madini.network.models import Membership, Organisation

PASSWORD = "casework-password-2026"
Role = Membership.Role


@pytest.fixture
def provinces(db):
    def province(name, key):
        return AdminArea.objects.create(level=AdminArea.Level.PROVINCE, name=name, key=key, country_code="COD")

    south_kivu = province("Sud-Kivu", "sud kivu")
    ituri = province("Ituri", "ituri")
    mwenga = AdminArea.objects.create(
        level=AdminArea.Level.TERRITORY, name="Mwenga", key="mwenga", country_code="COD", parent=south_kivu
    )
    return {"Sud-Kivu": south_kivu, "Ituri": ituri, "Mwenga": mwenga}


@pytest.fixture
def organisations(provinces):
    south_kivu_cso = Organisation.objects.create(name="Observatoire Sud-Kivu", acronym="OSK")
    south_kivu_cso.provinces.add(provinces["Sud-Kivu"])
    ituri_cso = Organisation.objects.create(name="Réseau Ituri", acronym="RI")
    ituri_cso.provinces.add(provinces["Ituri"])
    return {"Sud-Kivu": south_kivu_cso, "Ituri": ituri_cso}


def make_user(username, role=None, organisation=None, **fields):
    user = get_user_model().objects.create_user(username, f"{username}@example.org", PASSWORD, **fields)
    if role:
        Membership.objects.create(user=user, role=role, organisation=organisation)
    return user


@pytest.fixture
def users(organisations):
    """One user per role; the CSO member belongs to the South Kivu organisation."""
    return {
        "network_admin": make_user("admin-amani", Role.NETWORK_ADMIN),
        "coordinator": make_user("coord-neema", Role.COORDINATOR),
        "cso_member": make_user("cso-baraka", Role.CSO_MEMBER, organisations["Sud-Kivu"]),
        "ituri_member": make_user("cso-esther", Role.CSO_MEMBER, organisations["Ituri"]),
        "analyst": make_user("analyst-furaha", Role.ANALYST),
        "no_role": make_user("visitor-juma"),
    }


@pytest.fixture
def make_incident(provinces):
    """An incident in a province (by name), saved with a fresh reference; fields may be overridden."""

    def make(province="Sud-Kivu", category="child-labour", created_days_ago=0, **fields):
        defaults = {
            "category": IncidentCategory.objects.get(code=category),
            "language": "sw",
            "description": "Watoto wanafanya kazi shimoni",
            "occurred_on": timezone.localdate() - datetime.timedelta(days=created_days_ago),
        }
        incident = Incident(**{**defaults, **fields})
        if province and "area" not in fields and "site" not in fields:
            incident.area = provinces[province]
        set_admin_areas(incident)
        save_with_new_reference(incident)
        if created_days_ago:
            Incident.objects.filter(pk=incident.pk).update(
                created_at=timezone.now() - datetime.timedelta(days=created_days_ago)
            )
            incident.refresh_from_db()
        return incident

    return make


REPORTER_NUMBER = "+243990000031"  # fake: +243 99 000 0xxx is not assigned


@pytest.fixture
def sms_reporter(db):
    """A reporter who wrote on an active Africa's Talking channel: (reporter, channel)."""
    from madini.sms.anonymity import reporter_for_number
    from madini.sms.models import Channel

    channel = Channel.objects.create(
        name="Bukavu short code", gateway=Channel.Gateway.AFRICASTALKING, number="+243990000100", country_code="CD",  # fake
        secret="at-callback-secret-casework", config={"username": "madini-test", "api_key": "fake"},
    )
    return reporter_for_number(REPORTER_NUMBER, "CD"), channel


@pytest.fixture
def sms_incident(make_incident, sms_reporter):
    """An incident reported by SMS, with its conversation (the messages as the intake stores them)."""
    from madini.sms.models import InboundMessage

    def make(texts=("KUFATILIA", "Watoto wanafanya kazi shimoni"), consent=True, **fields):
        reporter, channel = sms_reporter
        incident = make_incident(reporter=reporter, consent_to_contact=consent, **fields)
        for number, text in enumerate(texts):
            InboundMessage.objects.create(
                channel=channel, reporter=reporter, gateway_message_id=f"ATXid_{incident.reference}_{number}",
                text=text, raw_payload={"from": reporter.pseudonym, "text": text}, incident=incident,
            )
        return incident

    return make
