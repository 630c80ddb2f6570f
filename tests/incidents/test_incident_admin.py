import pytest
from django.urls import reverse

from madini.incidents.models import Incident, IncidentCategory
from madini.sms.commands.simulate import Simulator

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident():
    reporter = Simulator(language="en")
    for text in ["KUFATILIA", "3", "today", "near the river", "Children wash the ore", "0", "1"]:
        reporter.send(text)
    reporter.send("They are back today")
    return Incident.objects.get()


def test_staff_read_an_incident_with_its_conversation_and_a_pseudonym(admin_client, incident):
    response = admin_client.get(reverse("admin:incidents_incident_change", args=[incident.id]))

    assert response.status_code == 200
    page = response.content.decode()
    assert incident.reference in page
    assert "Children wash the ore" in page and "They are back today" in page
    assert "Thank you. Your message was added to report" in page
    assert str(incident.reporter.display_name) in page


def test_staff_find_incidents_by_reference(admin_client, incident):
    response = admin_client.get(reverse("admin:incidents_incident_changelist"), {"q": incident.reference})

    assert response.status_code == 200
    assert incident.reference in response.content.decode()


def test_staff_adjust_the_sms_menu_order_in_the_category_list(admin_client):
    response = admin_client.get(reverse("admin:incidents_incidentcategory_changelist"))

    assert response.status_code == 200
    assert "Armed groups/soldiers" not in response.content.decode()  # SMS labels are on the category page
    assert IncidentCategory.objects.get(code="other").label_sw in response.content.decode()
