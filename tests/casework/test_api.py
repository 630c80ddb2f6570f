"""The staff API (/api/incidents/): the pages' rules for scripts and tools."""

import datetime

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from madini.incidents.models import AuditEvent, FollowUp, Incident, Transition
from madini.sms.models import OutboundMessage

from casework.conftest import REPORTER_NUMBER

pytestmark = pytest.mark.django_db
Status = Incident.Status

PERSONAL_KEYS = {"description", "location_text", "occurred_on_text", "reporter", "transcript"}

# Role → (sees the South Kivu incident, reads personal data, may act on it)
MATRIX = {
    "network_admin": (True, True, True),
    "coordinator": (True, True, True),
    "cso_member": (True, True, True),
    "ituri_member": (False, False, False),
    "analyst": (True, False, False),
    "no_role": (False, False, False),
}


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def south_kivu_incident(sms_incident):
    return sms_incident(texts=["KUFATILIA", "Watoto kumi shimoni Kamituga"], description="Watoto kumi shimoni Kamituga",
                        location_text="Kamituga")


def follow_up_payload(organisation, **changes):
    return {"kind": "mediation", "done_on": str(timezone.localdate()), "organisation": organisation.id,
            "notes": "Met the site chief", "outcome": "Children sent home", **changes}


def test_anonymous_requests_are_refused_and_change_nothing(api, south_kivu_incident, organisations):
    base = f"/api/incidents/{south_kivu_incident.reference}/"
    answers = [
        api.get("/api/incidents/"),
        api.get(base),
        api.get(f"{base}transitions/"),
        api.post(f"{base}transitions/", {"to_status": "validated", "severity": 1}, format="json"),
        api.post(f"{base}follow-ups/", follow_up_payload(organisations["Sud-Kivu"]), format="json"),
    ]

    assert {answer.status_code for answer in answers} <= {401, 403}
    assert south_kivu_incident.reference not in "".join(answer.content.decode() for answer in answers)
    south_kivu_incident.refresh_from_db()
    assert south_kivu_incident.status == Status.RECEIVED
    assert not FollowUp.objects.exists()


def test_a_token_opens_the_api_and_a_wrong_one_does_not(api, users, south_kivu_incident):
    token = Token.objects.create(user=users["coordinator"])

    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    listed = api.get("/api/incidents/")
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    refused = api.get("/api/incidents/")

    assert listed.status_code == 200
    assert [row["reference"] for row in listed.json()["results"]] == [south_kivu_incident.reference]
    assert refused.status_code in (401, 403)


@pytest.mark.parametrize("role", MATRIX)
def test_each_role_lists_reads_and_acts_as_on_the_pages(api, users, organisations, south_kivu_incident, role):
    sees, reads_personal_data, acts = MATRIX[role]
    api.force_authenticate(users[role])
    base = f"/api/incidents/{south_kivu_incident.reference}/"
    # The organisation a follow-up may be recorded for: the member's own, or any for the network's roles.
    own = users[role].memberships.first()
    organisation = own.organisation if own and own.organisation else organisations["Sud-Kivu"]

    listed = api.get("/api/incidents/")
    detail = api.get(base)
    follow_up = api.post(f"{base}follow-ups/", follow_up_payload(organisation), format="json")
    validate = api.post(f"{base}transitions/", {"to_status": "validated", "severity": 2, "reason": "Checked"},
                        format="json")

    references = [row["reference"] for row in listed.json()["results"]] if listed.status_code == 200 else []
    assert (south_kivu_incident.reference in references) == sees
    assert listed.status_code == (403 if role == "no_role" else 200)
    assert detail.status_code == (200 if sees else 403 if role == "no_role" else 404)
    if sees:
        assert (PERSONAL_KEYS <= detail.json().keys()) == reads_personal_data
        assert not reads_personal_data or detail.json()["description"] == "Watoto kumi shimoni Kamituga"
    expected_write = 201 if acts else 403 if role in ("analyst", "no_role") else 404
    assert follow_up.status_code == expected_write
    assert validate.status_code == expected_write
    south_kivu_incident.refresh_from_db()
    assert (south_kivu_incident.status == Status.VALIDATED) == acts
    assert FollowUp.objects.filter(incident=south_kivu_incident).exists() == acts


def test_the_analyst_reads_the_case_but_none_of_the_reporters_words(api, users, south_kivu_incident):
    api.force_authenticate(users["analyst"])

    detail = api.get(f"/api/incidents/{south_kivu_incident.reference}/")
    listed = api.get("/api/incidents/")

    assert detail.status_code == 200
    assert detail.json()["category"] == "child-labour"
    assert PERSONAL_KEYS.isdisjoint(detail.json())
    assert "Watoto" not in detail.content.decode() + listed.content.decode()
    assert "Kamituga" not in detail.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.VIEWED).exists()


def test_the_detail_shows_transcript_pseudonym_history_and_records_the_reading(api, users, organisations,
                                                                               south_kivu_incident, sms_reporter):
    reporter, channel = sms_reporter
    OutboundMessage.objects.create(channel=channel, reporter=reporter, text="Asante, tumepokea ripoti yako.",
                                   incident=south_kivu_incident, status=OutboundMessage.Status.SENT)
    coordinator = users["coordinator"]
    api.force_authenticate(coordinator)
    api.post(f"/api/incidents/{south_kivu_incident.reference}/transitions/",
             {"to_status": "validated", "severity": 1, "reason": "Confirmed by phone"}, format="json")
    api.post(f"/api/incidents/{south_kivu_incident.reference}/follow-ups/",
             follow_up_payload(organisations["Sud-Kivu"]), format="json")

    detail = api.get(f"/api/incidents/{south_kivu_incident.reference}/").json()

    assert detail["reporter"] == f"Reporter {reporter.pseudonym[:4].upper()}"
    assert [message["text"] for message in detail["transcript"]["inbound"]] == [
        "KUFATILIA", "Watoto kumi shimoni Kamituga"
    ]
    assert detail["transcript"]["outbound"][0]["text"] == "Asante, tumepokea ripoti yako."
    assert detail["transcript"]["outbound"][0]["status"] == "sent"
    assert {"received_at", "text"} <= detail["transcript"]["inbound"][0].keys()
    assert [(move["from_status"], move["to_status"], move["by"], move["reason"]) for move in detail["transitions"]] == [
        ("received", "validated", coordinator.username, "Confirmed by phone")
    ]
    assert detail["follow_ups"][0]["organisation_name"] == "Observatoire Sud-Kivu"
    assert detail["follow_ups"][0]["outcome"] == "Children sent home"
    assert detail["status"] == "validated" and detail["severity"] == 1
    assert AuditEvent.objects.filter(action=AuditEvent.Action.VIEWED, incident=south_kivu_incident,
                                     user=coordinator).count() == 1


def test_the_reporters_number_never_appears(api, users, south_kivu_incident):
    api.force_authenticate(users["network_admin"])

    detail = api.get(f"/api/incidents/{south_kivu_incident.reference}/")

    assert REPORTER_NUMBER not in detail.content.decode()
    assert REPORTER_NUMBER.lstrip("+") not in detail.content.decode()


def test_a_south_kivu_member_acts_on_an_ituri_incident_only_once_it_is_assigned_to_them(
    api, users, organisations, make_incident
):
    ituri_incident = make_incident(province="Ituri", description="Ituri words")
    member = users["cso_member"]
    api.force_authenticate(member)
    base = f"/api/incidents/{ituri_incident.reference}/"

    before = [
        api.get(base),
        api.post(f"{base}transitions/", {"to_status": "validated", "severity": 2}, format="json"),
        api.post(f"{base}follow-ups/", follow_up_payload(organisations["Sud-Kivu"]), format="json"),
    ]
    listed_before = api.get("/api/incidents/").json()["results"]
    Incident.objects.filter(pk=ituri_incident.pk).update(organisation=organisations["Sud-Kivu"])
    after = [
        api.get(base),
        api.post(f"{base}transitions/", {"to_status": "validated", "severity": 2}, format="json"),
        api.post(f"{base}follow-ups/", follow_up_payload(organisations["Sud-Kivu"]), format="json"),
    ]
    listed_after = api.get("/api/incidents/").json()["results"]

    assert [answer.status_code for answer in before] == [404, 404, 404]
    assert "Ituri words" not in "".join(answer.content.decode() for answer in before)
    assert ituri_incident.reference not in [row["reference"] for row in listed_before]
    assert [answer.status_code for answer in after] == [200, 201, 201]
    assert after[0].json()["description"] == "Ituri words"
    assert ituri_incident.reference in [row["reference"] for row in listed_after]
    ituri_incident.refresh_from_db()
    assert ituri_incident.status == Status.VALIDATED


def test_a_cso_member_records_follow_ups_only_for_their_own_organisation(
    api, users, organisations, south_kivu_incident
):
    api.force_authenticate(users["cso_member"])

    answer = api.post(f"/api/incidents/{south_kivu_incident.reference}/follow-ups/",
                      follow_up_payload(organisations["Ituri"]), format="json")

    assert answer.status_code == 400
    assert "organisation" in answer.json()
    assert not FollowUp.objects.exists()


def test_a_follow_up_dated_in_the_future_is_refused_with_the_reason(api, users, organisations, south_kivu_incident):
    api.force_authenticate(users["coordinator"])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    answer = api.post(f"/api/incidents/{south_kivu_incident.reference}/follow-ups/",
                      follow_up_payload(organisations["Sud-Kivu"], done_on=str(tomorrow)), format="json")

    assert answer.status_code == 400
    assert "future" in str(answer.json())
    assert not FollowUp.objects.exists()


def test_a_refused_transition_says_what_is_possible_and_changes_nothing(api, users, south_kivu_incident):
    api.force_authenticate(users["coordinator"])

    answer = api.post(f"/api/incidents/{south_kivu_incident.reference}/transitions/",
                      {"to_status": "resolved", "reason": "Too quick"}, format="json")

    assert answer.status_code == 400
    message = answer.json()["detail"]
    assert "cannot become resolved" in message
    assert "Possible next steps: validated, rejected, duplicate" in message
    south_kivu_incident.refresh_from_db()
    assert south_kivu_incident.status == Status.RECEIVED
    assert not Transition.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.TRANSITIONED).exists()


def test_validating_without_a_severity_is_refused(api, users, south_kivu_incident):
    api.force_authenticate(users["coordinator"])

    answer = api.post(f"/api/incidents/{south_kivu_incident.reference}/transitions/", {"to_status": "validated"},
                      format="json")

    assert answer.status_code == 400
    assert "severity" in answer.json()["detail"]
    south_kivu_incident.refresh_from_db()
    assert south_kivu_incident.status == Status.RECEIVED


def test_a_duplicate_is_merged_into_the_incident_named_by_its_reference(api, users, make_incident):
    survivor = make_incident()
    duplicate = make_incident()
    api.force_authenticate(users["cso_member"])

    answer = api.post(f"/api/incidents/{duplicate.reference}/transitions/",
                      {"to_status": "duplicate", "merge_into": survivor.reference.lower()}, format="json")

    assert answer.status_code == 201
    assert answer.json()["to_status"] == "duplicate"
    duplicate.refresh_from_db()
    assert duplicate.status == Status.DUPLICATE
    assert duplicate.merged_into == survivor


def test_merging_into_an_incident_outside_the_scope_does_not_reveal_it(api, users, make_incident):
    ituri_incident = make_incident(province="Ituri")
    duplicate = make_incident()
    api.force_authenticate(users["cso_member"])

    answer = api.post(f"/api/incidents/{duplicate.reference}/transitions/",
                      {"to_status": "duplicate", "merge_into": ituri_incident.reference}, format="json")
    unknown = api.post(f"/api/incidents/{duplicate.reference}/transitions/",
                       {"to_status": "duplicate", "merge_into": "KF-ZZZZ"}, format="json")

    assert answer.status_code == unknown.status_code == 400
    assert answer.json()["merge_into"] == [
        message.replace("KF-ZZZZ", ituri_incident.reference) for message in unknown.json()["merge_into"]
    ]
    duplicate.refresh_from_db()
    assert duplicate.status == Status.RECEIVED


def test_the_list_filters_like_the_inbox(api, users, organisations, make_incident):
    child_labour = make_incident(created_days_ago=40, severity=1)
    ituri_mercury = make_incident(province="Ituri", category="environment-mercury", organisation=organisations["Ituri"])
    Incident.objects.filter(pk=ituri_mercury.pk).update(occurred_on=datetime.date(2025, 3, 2))
    validated = make_incident(status=Status.VALIDATED, severity=3, validated_at=timezone.now())
    api.force_authenticate(users["coordinator"])

    def listed(**query):
        answer = api.get("/api/incidents/", query)
        assert answer.status_code == 200, answer.content
        return {row["reference"] for row in answer.json()["results"]}

    assert listed(status="validated") == {validated.reference}
    assert listed(category="environment-mercury") == {ituri_mercury.reference}
    assert listed(province="ituri") == {ituri_mercury.reference}
    assert listed(province="Sud-Kivu") == {child_labour.reference, validated.reference}
    assert listed(severity=1) == {child_labour.reference}
    assert listed(organisation=organisations["Ituri"].id) == {ituri_mercury.reference}
    assert listed(occurred_from="2025-03-01", occurred_to="2025-03-31") == {ituri_mercury.reference}
    old = str(timezone.localdate() - datetime.timedelta(days=30))
    assert listed(created_to=old) == {child_labour.reference}
    assert listed(created_from=old) == {ituri_mercury.reference, validated.reference}
    # Severity 1 must be validated within 3 days: reported 40 days ago and still waiting, it is overdue.
    assert listed(overdue="true") == {child_labour.reference}
    assert listed(overdue="false") == {ituri_mercury.reference, validated.reference}


def test_the_overdue_filter_agrees_with_the_deadlines_of_the_incident_page(api, users, make_incident):
    from madini.incidents import deadlines

    # Deadlines 3, 7 and 14 days by severity (none counts as 2): some of these are past theirs.
    for days in (1, 4, 8, 15):
        for severity in (None, 1, 2, 3):
            make_incident(created_days_ago=days, severity=severity)
    waiting_resolution = make_incident(created_days_ago=100, severity=2, status=Status.IN_FOLLOW_UP)
    Incident.objects.filter(pk=waiting_resolution.pk).update(validated_at=timezone.now() - datetime.timedelta(days=95))
    api.force_authenticate(users["coordinator"])

    answer = api.get("/api/incidents/", {"overdue": "true", "limit": 500})

    listed = {row["reference"] for row in answer.json()["results"]}
    expected = {incident.reference for incident in Incident.objects.all() if deadlines.overdue(incident)}
    assert listed == expected
    assert waiting_resolution.reference in listed and len(listed) > 1


def test_a_bad_filter_value_is_explained(api, users):
    api.force_authenticate(users["coordinator"])

    answer = api.get("/api/incidents/", {"created_from": "yesterday", "severity": 7})

    assert answer.status_code == 400
    assert {"created_from", "severity"} <= answer.json().keys()


def test_the_reporters_words_come_back_as_json_text_never_as_html(api, users, make_incident):
    incident = make_incident(description="<script>alert(1)</script>")
    api.force_authenticate(users["coordinator"])

    answer = api.get(f"/api/incidents/{incident.reference}/")

    assert answer["Content-Type"].startswith("application/json")
    assert answer.json()["description"] == "<script>alert(1)</script>"


def test_signed_in_users_are_throttled_at_the_configured_rate(api, users, south_kivu_incident, settings):
    cache.clear()
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "user": "2/minute"}
    api.force_authenticate(users["coordinator"])

    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}):
        answers = [api.get("/api/incidents/").status_code for _ in range(3)]
    cache.clear()

    assert answers == [200, 200, 429]


def test_ordinary_use_by_signed_in_users_is_not_throttled_at_the_default_rate(api, users, south_kivu_incident):
    cache.clear()
    api.force_authenticate(users["coordinator"])

    answers = {api.get("/api/incidents/").status_code for _ in range(5)}

    assert answers == {200}


def test_the_schema_documents_the_incidents_api_and_still_the_sites_api(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()

    assert {"/api/incidents/", "/api/incidents/{reference}/", "/api/incidents/{reference}/transitions/",
            "/api/incidents/{reference}/follow-ups/", "/api/sites/", "/api/sites/{pcode}/"} <= schema["paths"].keys()
    list_parameters = {parameter["name"] for parameter in schema["paths"]["/api/incidents/"]["get"]["parameters"]}
    assert {"status", "category", "province", "occurred_from", "occurred_to", "created_from", "created_to",
            "severity", "organisation", "overdue"} <= list_parameters
    detail = schema["components"]["schemas"]["IncidentDetail"]
    # The personal data is documented as optional: absent for those who may not read it.
    assert PERSONAL_KEYS <= detail["properties"].keys()
    assert PERSONAL_KEYS.isdisjoint(detail["required"])
    assert {"tokenAuth", "cookieAuth"} <= schema["components"]["securitySchemes"].keys()


def test_the_generated_schema_is_valid_openapi():
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    schema = SchemaGenerator().get_schema(request=None, public=True)

    validate_schema(schema)
    assert "StatusEnum" in schema["components"]["schemas"]
