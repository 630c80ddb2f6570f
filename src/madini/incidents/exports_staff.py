"""The staff export of the inbox: CSV, with the reporter's words only for those who may read them."""

import csv

COLUMNS = ["reference", "reported_at", "status", "severity", "category", "channel", "province", "territory",
           "site_code", "site_name", "occurred_on", "people_affected", "assigned_to", "validated_at", "closed_at",
           "published"]
PERSONAL_COLUMNS = ["location_as_told", "description"]


def write_inbox_csv(stream, user, incidents):
    """Rows of `incidents`; the personal columns stay empty for an incident the user may not read."""
    writer = csv.writer(stream)
    writer.writerow(COLUMNS + PERSONAL_COLUMNS)
    for incident in incidents:
        personal = user.has_perm("incidents.view_personal_data", incident)
        writer.writerow([
            incident.reference, incident.created_at.isoformat(), incident.status, incident.severity or "",
            incident.category.code, incident.channel, getattr(incident.province, "name", ""),
            getattr(incident.territory, "name", ""), getattr(incident.site, "pcode", ""),
            getattr(incident.site, "name", ""), incident.occurred_on or "", incident.people_affected or "",
            str(incident.organisation or ""), incident.validated_at.isoformat() if incident.validated_at else "",
            incident.closed_at.isoformat() if incident.closed_at else "", incident.published,
            *((_plain(incident.location_text), _plain(incident.description)) if personal else ("", "")),
        ])


def _plain(text):
    """Text a spreadsheet shows as text: a leading =, +, - or @ would be run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
