"""The staff pages: who sees and does what, escaping of the reporter's words, the audit trail."""

import pytest
from django.core import mail

from madini.incidents.models import AuditEvent, FollowUp, Incident
from madini.sms.models import OutboundMessage

pytestmark = pytest.mark.django_db
Status = Incident.Status

HOSTILE_TEXT = '<script>alert(1)</script> "><img src=x onerror=alert(1)>'

# Role → (sees the South Kivu incident, sees the reporter's words, may act on it, sees the Ituri incident).
# Acting: validate, edit, follow up, reply; the staff API has its own matrix (test_api.py).
MATRIX = {
    "network_admin": (True, True, True, True),
    "coordinator": (True, True, True, True),
    "cso_member": (True, True, True, False),
    "ituri_member": (False, False, False, True),
    "analyst": (True, False, False, True),
    "no_role": (False, False, False, False),
}


@pytest.fixture
def south_kivu_incident(sms_incident):
    return sms_incident(texts=["KUFATILIA", "Watoto kumi shimoni Kamituga"], description="Watoto kumi shimoni Kamituga")


@pytest.mark.parametrize("role", MATRIX)
def test_each_role_sees_and_does_what_it_may_on_the_pages(client, users, make_incident, south_kivu_incident, role):
    sees, reads_words, acts, sees_ituri = MATRIX[role]
    ituri_incident = make_incident(province="Ituri", description="Ituri words")
    client.force_login(users[role])

    inbox = client.get("/cases/")
    page = client.get(f"/cases/{south_kivu_incident.reference}/")
    ituri_page = client.get(f"/cases/{ituri_incident.reference}/")
    validate = client.post(
        f"/cases/{south_kivu_incident.reference}/transition/", {"to_status": "validated", "severity": "2"}
    )
    follow_up = client.post(
        f"/cases/{south_kivu_incident.reference}/follow-up/",
        {"kind": "mediation", "done_on": "2026-01-05", "organisation": users["cso_member"].memberships.get().organisation_id},
    )

    edit = client.post(
        f"/cases/{south_kivu_incident.reference}/correct/",
        {"category": south_kivu_incident.category_id, "people_affected": "12"},
    )
    reply = client.post(f"/cases/{south_kivu_incident.reference}/reply/", {"text": "Asante, tunafuatilia."})
    export = client.get("/cases/export.csv")
    exported = export.content.decode() if export.status_code == 200 else ""

    assert (south_kivu_incident.reference in exported) == sees
    assert ("Watoto kumi shimoni Kamituga" in exported) == reads_words
    listed = inbox.status_code == 200 and south_kivu_incident.reference in inbox.content.decode()
    assert listed == sees
    assert (inbox.status_code == 200 and ituri_incident.reference in inbox.content.decode()) == sees_ituri
    assert page.status_code == (200 if sees else 404 if role != "no_role" else 403)
    assert ituri_page.status_code == (200 if sees_ituri else 404 if role != "no_role" else 403)
    assert ("Watoto kumi shimoni Kamituga" in page.content.decode()) == reads_words
    assert (Incident.objects.get(pk=south_kivu_incident.pk).status == Status.VALIDATED) == acts
    assert validate.status_code in ((302,) if acts else (403, 404))
    assert edit.status_code in ((302,) if acts else (403, 404)) and reply.status_code == edit.status_code
    assert (Incident.objects.get(pk=south_kivu_incident.pk).people_affected == 12) == acts
    assert OutboundMessage.objects.filter(incident=south_kivu_incident, text="Asante, tunafuatilia.").exists() == acts
    assert FollowUp.objects.filter(incident=south_kivu_incident).exists() == (acts and role == "cso_member" or role in ("network_admin", "coordinator"))
    assert (f"Reporter {south_kivu_incident.reporter.pseudonym[:4].upper()}" in page.content.decode()) == reads_words


def test_anonymous_visitors_are_sent_to_log_in(client, south_kivu_incident):
    for path in ("/cases/", f"/cases/{south_kivu_incident.reference}/", "/cases/new/", "/cases/audit/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    response = client.post(f"/cases/{south_kivu_incident.reference}/transition/", {"to_status": "validated", "severity": "1"})
    assert response.status_code == 302
    assert Incident.objects.get(pk=south_kivu_incident.pk).status == Status.RECEIVED


def test_a_cso_member_can_act_on_an_incident_elsewhere_once_it_is_assigned_to_their_organisation(client, users, organisations, make_incident):
    ituri_incident = make_incident(province="Ituri")
    client.force_login(users["cso_member"])
    assert client.get(f"/cases/{ituri_incident.reference}/").status_code == 404

    ituri_incident.organisation = organisations["Sud-Kivu"]
    ituri_incident.save()

    assert client.get(f"/cases/{ituri_incident.reference}/").status_code == 200
    client.post(f"/cases/{ituri_incident.reference}/transition/", {"to_status": "validated", "severity": "3"})
    assert Incident.objects.get(pk=ituri_incident.pk).status == Status.VALIDATED


def test_the_reporters_words_are_shown_escaped_on_the_inbox_incident_page_and_audit(client, users, sms_incident):
    incident = sms_incident(texts=["KUFATILIA", HOSTILE_TEXT], description=HOSTILE_TEXT, location_text=HOSTILE_TEXT)
    client.force_login(users["network_admin"])
    client.post(f"/cases/{incident.reference}/publication/", {"published": "", "public_summary": HOSTILE_TEXT})

    for path in ("/cases/", f"/cases/{incident.reference}/", "/cases/audit/"):
        body = client.get(path).content.decode()
        assert "<script>alert(1)</script>" not in body
        assert "<img src=x" not in body
    page = client.get(f"/cases/{incident.reference}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get("/cases/audit/").content.decode()


def test_an_impossible_move_from_the_page_says_why_and_changes_nothing(client, users, make_incident):
    incident = make_incident()
    client.force_login(users["coordinator"])

    response = client.post(f"/cases/{incident.reference}/transition/", {"to_status": "resolved"}, follow=True)

    assert "cannot become resolved" in response.content.decode()
    assert Incident.objects.get(pk=incident.pk).status == Status.RECEIVED


def test_viewing_the_reporters_words_and_every_change_are_in_the_audit_trail(client, users, south_kivu_incident):
    client.force_login(users["cso_member"])
    client.get(f"/cases/{south_kivu_incident.reference}/")
    client.post(f"/cases/{south_kivu_incident.reference}/correct/", {"category": south_kivu_incident.category_id, "people_affected": "10"})

    actions = list(AuditEvent.objects.filter(incident=south_kivu_incident).values_list("user__username", "action"))
    assert ("cso-baraka", "viewed") in actions and ("cso-baraka", "changed") in actions
    change = AuditEvent.objects.get(incident=south_kivu_incident, action="changed")
    assert change.details["changes"]["people_affected"] == [None, 10]

    client.force_login(users["coordinator"])
    assert client.get("/cases/audit/").status_code == 403
    client.force_login(users["network_admin"])
    trail = client.get(f"/cases/audit/?incident={south_kivu_incident.reference}").content.decode()
    assert "cso-baraka" in trail and "people_affected" in trail


def test_an_analyst_opening_an_incident_leaves_no_personal_data_view_in_the_trail(client, users, south_kivu_incident):
    client.force_login(users["analyst"])
    page = client.get(f"/cases/{south_kivu_incident.reference}/").content.decode()

    assert "Conversation" not in page and "KUFATILIA" not in page
    assert not AuditEvent.objects.filter(action="viewed").exists()


def test_replying_from_the_incident_page_queues_an_sms_without_showing_the_number(client, users, south_kivu_incident):
    from casework.conftest import REPORTER_NUMBER

    client.force_login(users["cso_member"])
    page = client.get(f"/cases/{south_kivu_incident.reference}/").content.decode()
    response = client.post(f"/cases/{south_kivu_incident.reference}/reply/", {"text": "Tumepokea. Je, watoto wako wapi sasa?"}, follow=True)

    sent = OutboundMessage.objects.get(incident=south_kivu_incident)
    assert sent.text == "Tumepokea. Je, watoto wako wapi sasa?" and sent.reporter == south_kivu_incident.reporter
    body = response.content.decode()
    assert "Tumepokea. Je, watoto wako wapi sasa?" in body  # in the transcript
    for shown in (page, body):
        assert REPORTER_NUMBER not in shown and REPORTER_NUMBER.lstrip("+") not in shown
    assert AuditEvent.objects.filter(incident=south_kivu_incident, action="replied").exists()


def test_staff_enter_an_incident_received_by_phone_and_the_covering_members_are_told(
    client, users, provinces, django_capture_on_commit_callbacks
):
    client.force_login(users["coordinator"])
    from madini.incidents.models import IncidentCategory

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/cases/new/", {
            "channel": "phone", "category": IncidentCategory.objects.get(code="roadblock").id,
            "occurred_on": "2026-11-20", "location_text": "barrière de Nzibira", "area": provinces["Mwenga"].id,
            "description": "Taxe de 5000 FC par sac à la barrière", "people_affected": "",
        })

    incident = Incident.objects.get(channel="phone")
    assert response.status_code == 302 and response["Location"] == f"/cases/{incident.reference}/"
    assert (incident.province, incident.territory, incident.created_by) == (provinces["Sud-Kivu"], provinces["Mwenga"], users["coordinator"])
    assert [message.to for message in mail.outbox] == [["cso-baraka@example.org"]]
    assert incident.reference in mail.outbox[0].subject
    assert "Taxe de 5000" not in mail.outbox[0].body  # the words stay on the page, behind a login


def test_a_date_in_the_future_is_refused_on_entry(client, users):
    client.force_login(users["coordinator"])
    from madini.incidents.models import IncidentCategory

    response = client.post("/cases/new/", {
        "channel": "in_person", "category": IncidentCategory.objects.get(code="other").id,
        "occurred_on": "2099-01-01", "description": "x",
    })

    assert response.status_code == 200 and "cannot be in the future" in response.content.decode()
    assert not Incident.objects.exists()


def test_the_inbox_filters_by_status_category_province_and_date(client, users, make_incident):
    child = make_incident(category="child-labour")
    roadblock = make_incident(category="roadblock", status=Status.VALIDATED, severity=2)
    ituri = make_incident(province="Ituri", category="roadblock")
    client.force_login(users["coordinator"])
    from madini.incidents.models import IncidentCategory

    def listed(query):
        body = client.get("/cases/", query).content.decode()
        return {incident.reference for incident in (child, roadblock, ituri) if incident.reference in body}

    roadblock_id = IncidentCategory.objects.get(code="roadblock").id
    assert listed({"status": "validated"}) == {roadblock.reference}
    assert listed({"category": roadblock_id}) == {roadblock.reference, ituri.reference}
    assert listed({"province": ituri.province_id}) == {ituri.reference}
    assert listed({"date_from": "2000-01-01"}) == {child.reference, roadblock.reference, ituri.reference}
    assert listed({"date_to": "2000-01-01"}) == set()


def test_a_formula_typed_by_a_reporter_is_exported_as_text(client, users, sms_incident):
    incident = sms_incident(description="=HYPERLINK(\"http://evil.example\")")
    client.force_login(users["coordinator"])

    exported = client.get("/cases/export.csv").content.decode()

    assert "'=HYPERLINK" in exported
    assert AuditEvent.objects.filter(action="exported", user=users["coordinator"]).exists()
    assert incident.reference in exported
