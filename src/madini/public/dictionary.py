"""The data dictionary of the downloads: what every column of sites.rows.COLUMNS means."""

from django.utils.translation import gettext_lazy as _

from madini.sites.rows import COLUMNS, HXL_TAGS

COLUMN_DESCRIPTIONS = {
    "pcode": _("Unique code of the mine site, kept from the source (e.g. codmine00191). Use it to join files."),
    "name": _("Name of the mine site as recorded by the field team."),
    "longitude": _("Longitude of the site in decimal degrees (WGS 84)."),
    "latitude": _("Latitude of the site in decimal degrees (WGS 84)."),
    "province": _("Province as written in the source data."),
    "territoire": _("Territory (territoire) as written in the source data."),
    "collectivite": _("Chiefdom or sector (collectivité) as written in the source data."),
    "groupement": _("Grouping of villages (groupement) as written in the source data."),
    "village": _("Village as written in the source data."),
    "visit_date": _(
        "Date of the visit the row describes: the latest visit of the site, or its latest visit within "
        "the dates you filtered on (YYYY-MM-DD)."
    ),
    "source": _("Who collected the visit data (e.g. IPIS, BGR, a third party)."),
    "project": _("The survey project or status update the visit comes from."),
    "workers_numb": _("Number of workers on the site at the visit, as estimated by the field team. Empty if unknown."),
    "minerals": _(
        "Minerals mined on the site, main mineral first, separated by semicolons (French names as in the source)."
    ),
    "mercury": _("1 if mercury use was observed, 0 if not, empty if unknown."),
    "presence": _("1 if an armed actor (state or non-state) was present at the visit, 0 if not, empty if unknown."),
    "interference": _(
        "1 if an armed actor interfered on the site (taxes, buying, digging, forced labour, pillaging …), "
        "0 if not, empty if unknown."
    ),
    "armed_groups": _("Armed actors seen at the visit, separated by semicolons (e.g. FARDC; FDLR)."),
    "childunder15": _("1 if children under 15 were at work, 0 if not, empty if unknown."),
    "women": _("1 if women were at work, 0 if not, empty if unknown."),
    "state_services": _("State services present on the site, separated by semicolons (e.g. SAESSCAM)."),
    "traceability": _("Traceability or due-diligence scheme on the site, if any (e.g. iTSCi)."),
    "qualification": _(
        "Official qualification of the site by a joint validation mission, as in the source: Vert (green: may "
        "supply the legal chain), Jaune (yellow: shortcomings to fix), Rouge (red: may not supply). Empty if "
        "the site was not qualified."
    ),
    "outside_stated_province": _(
        "1 if the coordinates fall outside the province the source states: check the position before using it."
    ),
}


def data_dictionary():
    """[(column, HXL tag, description)] in the order of the downloads."""
    return [(column, HXL_TAGS[column], COLUMN_DESCRIPTIONS[column]) for column in COLUMNS]
