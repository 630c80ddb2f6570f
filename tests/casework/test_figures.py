"""The network figures page, its Excel export and workshop entry: the numbers a coordinator reports."""

import datetime
import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from madini.incidents.figures import network_figures
from madini.incidents.models import AuditEvent, Incident
from madini.network.models import Workshop

pytestmark = pytest.mark.django_db
Status = Incident.Status
DAY = datetime.timedelta(days=1)


def rows_of(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def summary_of(workbook):
    return {label: value for label, value in rows_of(workbook["Summary"])[1:]}


def text_of(response):
    """The page as a reader sees it: tags stripped, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def handled_incidents(make_incident):
    """Four validated incidents with known delays (days after the report), and one left waiting.

    validation: 1, 2, 10 and 5 days → median 3.5; deadlines 7 days (severity 2, 3: 14), 3 (severity 1).
    resolution (report → resolved): 10, 20, 45 days → median 20; deadline from validation: 91 days
    (severity 2), 30 (severity 1), 182 (severity 3).
    """
    now = timezone.now()

    def handled(severity, reported_days_ago, validated_after, closed_after, status):
        incident = make_incident(severity=severity)
        created_at = now - reported_days_ago * DAY
        Incident.objects.filter(pk=incident.pk).update(
            created_at=created_at, validated_at=created_at + validated_after * DAY,
            closed_at=created_at + closed_after * DAY if closed_after else None, status=status,
        )
        return incident

    return {
        "A": handled(2, 100, 1, 10, Status.RESOLVED),  # validated in time, resolved in time
        "B": handled(2, 200, 2, 20, Status.RESOLVED),  # in time, in time
        "C": handled(1, 300, 10, 45, Status.RESOLVED),  # validated late (3 days), resolved late (35 > 30 days)
        "D": handled(3, 50, 5, 30, Status.UNRESOLVED),  # in time, closed unresolved in time
        # Received 20 days ago, never validated: past its 7-day validation deadline.
        "waiting": make_incident(created_days_ago=20),
    }


@pytest.fixture
def fifty_three_workshops(organisations, provinces):
    """53 workshops reaching 1,287 men and 410 women."""
    held_on = timezone.localdate() - 10 * DAY
    workshops = [
        Workshop(organisation=organisations["Sud-Kivu"], held_on=held_on, place=f"Kamituga {number}",
                 province=provinces["Sud-Kivu"], men_reached=24, women_reached=7)
        for number in range(52)
    ]
    workshops.append(Workshop(organisation=organisations["Sud-Kivu"], held_on=held_on, place="Mwenga centre",
                              province=provinces["Sud-Kivu"], men_reached=39, women_reached=46))
    return Workshop.objects.bulk_create(workshops)


def test_the_page_says_how_many_workshops_and_people_with_thousands_separators(client, users, fifty_three_workshops):
    client.force_login(users["coordinator"])

    page = client.get("/cases/figures/")

    assert page.status_code == 200
    assert "53 workshops, 1,697 people reached (1,287 men, 410 women)" in text_of(page)
    assert "Mwenga centre" in text_of(page)


def test_one_workshop_is_said_in_the_singular(client, users, organisations):
    Workshop.objects.create(organisation=organisations["Sud-Kivu"], held_on=timezone.localdate(), place="Nyabibwe",
                            men_reached=12, women_reached=9)
    client.force_login(users["coordinator"])

    assert "1 workshop, 21 people reached (12 men, 9 women)" in text_of(client.get("/cases/figures/"))


def test_medians_and_deadlines_met_are_computed_from_the_recorded_times(client, users, handled_incidents):
    client.force_login(users["coordinator"])

    figures = network_figures(users["coordinator"]).timeliness
    page = text_of(client.get("/cases/figures/"))

    assert figures.median_days_to_validation == 3.5
    assert figures.median_days_to_resolution == 20
    assert (figures.validated_in_time, figures.validated_late) == (3, 1)
    assert (figures.resolved_in_time, figures.resolved_late) == (3, 1)
    assert figures.overdue_now == 1
    assert "Median time to validation 3.5 days" in page
    assert "Median time from report to resolution 20 days" in page
    assert "Resolved 3 of 4 validated incidents (75%)" in page
    assert "Validated in time 3 in time, 1 late (75%" in page
    assert "Closed within the resolution deadline 3 in time, 1 late (75%" in page
    assert "Waiting past their deadline now 1" in page


def test_incidents_are_counted_per_month_by_top_level_category_and_by_province(client, users, make_incident):
    this_month = timezone.localdate().replace(day=1)
    make_incident(category="environment-mercury")
    make_incident(category="environment-water-pollution")
    make_incident(category="child-labour", province="Ituri")
    client.force_login(users["coordinator"])

    figures = network_figures(users["coordinator"])
    page = client.get("/cases/figures/")

    assert figures.by_category.columns == ["Child labour", "Environmental harm"]
    assert figures.by_category.rows == [(this_month, [1, 2], 3)]
    assert figures.by_province.columns == ["Ituri", "Sud-Kivu"]
    assert figures.by_province.rows == [(this_month, [1, 2], 3)]
    by_category = text_of(page).split("Incidents per month by category")[1].split("Incidents per month by province")[0]
    assert f"{this_month:%Y-%m} 1 2 3" in by_category
    assert "Environmental harm" in by_category


def test_a_month_without_incidents_is_a_row_of_zeros(users, make_incident):
    make_incident(created_days_ago=70)
    make_incident()

    rows = network_figures(users["coordinator"]).by_category.rows

    assert len(rows) >= 3
    assert [total for _month, _counts, total in rows] == [1, *[0] * (len(rows) - 2), 1]


def test_follow_ups_are_counted_per_organisation(client, users, organisations, make_incident):
    from madini.incidents.services import add_follow_up

    first, second = make_incident(), make_incident()
    coordinator = users["coordinator"]
    for incident in (first, first, second):
        add_follow_up(incident, coordinator, "mediation", timezone.localdate(), organisations["Sud-Kivu"])
    add_follow_up(second, coordinator, "advocacy", timezone.localdate(), organisations["Ituri"])
    client.force_login(coordinator)

    figures = network_figures(coordinator)
    page = text_of(client.get("/cases/figures/"))

    assert figures.follow_ups == [("Observatoire Sud-Kivu", 3, 2), ("Réseau Ituri", 1, 1)]
    assert "Observatoire Sud-Kivu 3 2" in page


def test_the_excel_file_holds_the_numbers_of_the_page_and_the_export_is_audited(
    client, users, handled_incidents, fifty_three_workshops
):
    coordinator = users["coordinator"]
    client.force_login(coordinator)

    response = client.get("/cases/figures.xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    summary = summary_of(workbook)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert workbook.sheetnames == ["Summary", "By category", "By province", "By status", "Follow-ups", "Workshops"]
    assert summary["Incidents"] == 5
    assert summary["Median days to validation"] == 3.5
    assert summary["Median days from report to resolution"] == 20
    assert summary["Share of validated incidents resolved"] == 0.75
    assert (summary["Validation deadline met"], summary["Validation deadline missed"]) == (3, 1)
    assert (summary["Resolution deadline met"], summary["Resolution deadline missed"]) == (3, 1)
    assert (summary["Workshops"], summary["People reached"], summary["Men reached"], summary["Women reached"]) == (
        53, 1697, 1287, 410)
    workshops = rows_of(workbook["Workshops"])
    assert len(workshops) == 1 + 53
    assert sum(row[5] for row in workshops[1:]) == 1287
    statuses = dict(rows_of(workbook["By status"])[1:])
    assert (statuses["resolved"], statuses["unresolved"], statuses["received"]) == (3, 1, 1)
    assert rows_of(workbook["By province"])[-1] == ["Total", 5, 5]
    assert AuditEvent.objects.filter(user=coordinator, action=AuditEvent.Action.EXPORTED).count() == 1


def test_text_typed_into_a_workshop_stays_text_in_the_excel_file(client, users, organisations):
    Workshop.objects.create(organisation=organisations["Sud-Kivu"], held_on=timezone.localdate(),
                            place='=HYPERLINK("http://example.invalid","click")', men_reached=1)
    client.force_login(users["coordinator"])

    workbook = load_workbook(io.BytesIO(client.get("/cases/figures.xlsx").content))
    place = workbook["Workshops"]["B2"]

    assert place.value == '=HYPERLINK("http://example.invalid","click")'
    assert place.data_type == "s"


def test_a_cso_members_figures_cover_only_their_scope(client, users, organisations, make_incident):
    make_incident(province="Sud-Kivu")
    make_incident(province="Ituri", category="environment-mercury")
    assigned = make_incident(province="Ituri")
    Incident.objects.filter(pk=assigned.pk).update(organisation=organisations["Sud-Kivu"])
    Workshop.objects.create(organisation=organisations["Ituri"], held_on=timezone.localdate(), place="Bunia",
                            province=organisations["Ituri"].provinces.get(), men_reached=100, women_reached=50)
    member = users["cso_member"]
    client.force_login(member)

    figures = network_figures(member)
    page = text_of(client.get("/cases/figures/"))
    workbook = load_workbook(io.BytesIO(client.get("/cases/figures.xlsx").content))

    # Their province's incident, and the Ituri one assigned to their organisation; not the other.
    assert figures.incident_count == 2
    assert "Environmental harm" not in page
    assert "Bunia" not in page
    assert "0 workshops, 0 people reached (0 men, 0 women)" in page
    assert summary_of(workbook)["Incidents"] == 2
    assert network_figures(users["coordinator"]).incident_count == 3


def test_the_period_narrows_incidents_follow_ups_and_workshops(client, users, organisations, make_incident):
    make_incident(created_days_ago=60)
    make_incident(created_days_ago=5)
    Workshop.objects.create(organisation=organisations["Sud-Kivu"], held_on=timezone.localdate() - 60 * DAY,
                            place="Old place", men_reached=5)
    Workshop.objects.create(organisation=organisations["Sud-Kivu"], held_on=timezone.localdate() - 5 * DAY,
                            place="Recent place", men_reached=7)
    client.force_login(users["coordinator"])
    since = timezone.localdate() - 30 * DAY

    page = text_of(client.get("/cases/figures/", {"from": since.isoformat()}))
    workbook = load_workbook(io.BytesIO(client.get("/cases/figures.xlsx", {"from": since.isoformat()}).content))
    wrong = client.get("/cases/figures/", {"from": "2026-05-01", "to": "2026-01-01"})

    assert "Incidents reported 1 " in page
    assert "Recent place" in page and "Old place" not in page
    assert summary_of(workbook)["Incidents"] == 1
    assert summary_of(workbook)["Reported from"] == since.isoformat()
    assert "The start of the period is after its end." in wrong.content.decode()
    assert "Incidents reported 2 " in text_of(wrong)


def test_nothing_of_the_reporters_words_appears_on_the_figures_page(client, users, make_incident):
    make_incident(description="<script>alert(1)</script>", location_text="Chez Mama Furaha")
    client.force_login(users["coordinator"])

    page = client.get("/cases/figures/").content.decode()

    assert "alert(1)" not in page
    assert "Mama Furaha" not in page


def test_who_may_see_the_figures_and_record_workshops(client, users):
    pages = ("/cases/figures/", "/cases/figures.xlsx", "/cases/workshops/new/")
    anonymous = [client.get(path) for path in pages]
    answers = {}
    for role in ("network_admin", "coordinator", "cso_member", "analyst", "no_role"):
        client.force_login(users[role])
        answers[role] = [client.get(path).status_code for path in pages]

    assert all(answer.status_code == 302 and "/accounts/login/" in answer["Location"] for answer in anonymous)
    assert answers == {
        "network_admin": [200, 200, 200],
        "coordinator": [200, 200, 200],
        "cso_member": [200, 200, 200],
        "analyst": [200, 200, 403],
        "no_role": [403, 403, 403],
    }


def workshop_form(organisation, **changes):
    return {"organisation": organisation.id, "held_on": (timezone.localdate() - DAY).isoformat(), "place": "Kamituga",
            "topic": "Child labour", "men_reached": "30", "women_reached": "12", **changes}


def test_a_cso_member_records_a_workshop_of_their_organisation_and_sees_it_counted(client, users, organisations):
    client.force_login(users["cso_member"])

    form = client.get("/cases/workshops/new/").content.decode()
    saved = client.post("/cases/workshops/new/", workshop_form(organisations["Sud-Kivu"]), follow=True)

    assert "Réseau Ituri" not in form and "RI</option>" not in form
    assert saved.redirect_chain[-1][0] == "/cases/figures/"
    assert "The workshop in Kamituga is recorded." in saved.content.decode()
    assert "1 workshop, 42 people reached (30 men, 12 women)" in text_of(saved)
    assert Workshop.objects.get().organisation == organisations["Sud-Kivu"]


def test_a_cso_member_cannot_record_a_workshop_for_another_organisation(client, users, organisations):
    client.force_login(users["cso_member"])

    answer = client.post("/cases/workshops/new/", workshop_form(organisations["Ituri"]))

    assert answer.status_code == 200
    assert "Select a valid choice" in answer.content.decode()
    assert not Workshop.objects.exists()


def test_a_workshop_in_the_future_is_refused(client, users, organisations):
    client.force_login(users["coordinator"])
    tomorrow = timezone.localdate() + DAY

    answer = client.post("/cases/workshops/new/", workshop_form(organisations["Ituri"], held_on=tomorrow.isoformat()))

    assert "its date cannot be in the future" in answer.content.decode()
    assert not Workshop.objects.exists()


def test_the_coordinator_records_a_workshop_for_any_organisation(client, users, organisations):
    client.force_login(users["coordinator"])

    client.post("/cases/workshops/new/", workshop_form(organisations["Ituri"], place="Mongbwalu"))

    assert Workshop.objects.get().place == "Mongbwalu"


def test_the_admin_lists_organisations_memberships_and_workshops(client, users, organisations, fifty_three_workshops):
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(pk=users["network_admin"].pk).update(is_staff=True, is_superuser=True)
    client.force_login(users["network_admin"])

    pages = {path: client.get(path) for path in (
        "/admin/network/organisation/", f"/admin/network/organisation/{organisations['Sud-Kivu'].id}/change/",
        "/admin/network/membership/", "/admin/network/workshop/",
    )}

    assert {path: page.status_code for path, page in pages.items()} == dict.fromkeys(pages, 200)
    assert "Observatoire Sud-Kivu" in pages["/admin/network/organisation/"].content.decode()
    assert "cso-baraka" in pages["/admin/network/membership/"].content.decode()
    assert "Mwenga centre" in pages["/admin/network/workshop/"].content.decode()
    change_page = pages[f"/admin/network/organisation/{organisations['Sud-Kivu'].id}/change/"]
    assert "selectfilter" in change_page.content.decode().lower()  # provinces in a filter_horizontal
