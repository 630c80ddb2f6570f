"""Write paths for mine sites: saving validated visit records, keeping "latest visit" current."""

from django.db import transaction
from django.db.models import Max, OuterRef, Subquery

from madini.geo.names import fold
from madini.sites.models import (
    ArmedActor,
    ArmedActorPresence,
    Mineral,
    Site,
    StateService,
    TradingPoint,
    Visit,
    VisitMineral,
)
from madini.sites.vocabulary import MINERAL_ENGLISH_NAMES

SITE_LOCATION_FIELDS = ("longitude", "latitude")
VISIT_FIELDS = [
    field.name
    for field in Visit._meta.concrete_fields
    if field.name not in {"id", "site", "source_key", "visit_date", "is_latest", "row_hash", "qualification_key"}
]
ID_CHUNK = 900  # keeps IN (...) lists under SQLite's variable limit on old builds


def chunks(items, size=ID_CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


class AmbiguousVisit(Exception):
    """A row without a visit id matches several stored visits: updating one would be a guess."""

    def __init__(self, count):
        super().__init__(count)
        self.count = count


def in_file_order(names):
    """The distinct names in the order the file gives them (a set's order changes from run to run)."""
    return list(dict.fromkeys(names))


class TermCache:
    """Name → id for a value list (minerals, armed actors …), creating what is missing.

    Of several spellings of one name ("DGRMA(" and "DGRMA (") the first in `names` is kept: given in
    file order, the same file always keeps the same spelling.
    """

    def __init__(self, model, extra_fields=None):
        self.model = model
        self.extra_fields = extra_fields or (lambda name: {})
        self.ids = dict(model.objects.values_list("key", "id"))

    def ids_for(self, names):
        missing = {}
        for name in names:
            key = fold(name)
            if key and key not in self.ids and key not in missing:
                missing[key] = self.model(name=name, key=key, **self.extra_fields(name))
        if missing:
            self.model.objects.bulk_create(missing.values(), ignore_conflicts=True)
            self.ids.update(self.model.objects.filter(key__in=list(missing)).values_list("key", "id"))
        return {name: self.ids[fold(name)] for name in names if fold(name)}


def mineral_english(name):
    english = MINERAL_ENGLISH_NAMES.get(name, "")
    return {"name_en": english, "key_en": fold(english.split(" (")[0])}


class VisitWriter:
    """Saves batches of validated records; counts what changed into an ImportReport."""

    def __init__(self, report):
        self.report = report
        self.minerals = TermCache(Mineral, mineral_english)
        self.actors = TermCache(ArmedActor)
        self.services = TermCache(StateService)
        self.trading_points = TermCache(TradingPoint)
        self.touched_site_ids = set()

    def write(self, batch):
        """batch: list of (RowError-position, record). Returns the RowErrors found at write time."""
        with transaction.atomic():
            sites, errors = self._save_sites(batch)
            accepted = [(position, record) for position, record in batch if record.pcode in sites]
            errors += self._save_visits(accepted, sites)
        return errors

    def _save_sites(self, batch):
        from madini.sites.importers.report import RowError

        pcodes = {record.pcode for _, record in batch}
        sites = {site.pcode: site for site in Site.objects.filter(pcode__in=pcodes)}
        errors, new_sites, changed = [], {}, {}
        for (row_number, line_number), record in batch:
            site = sites.get(record.pcode) or new_sites.get(record.pcode)
            if site is None:
                if not record.has_coordinates:
                    errors.append(
                        RowError(
                            row_number,
                            line_number,
                            "pcode",
                            record.pcode,
                            "this site is not known yet and this file has no coordinates: "
                            "import the full curated export (with geom) first",
                        )
                    )
                    continue
                site = Site(pcode=record.pcode)
                new_sites[record.pcode] = site
            if self._apply_site_fields(site, record.site) and site.pk:
                changed[site.pcode] = site
        Site.objects.bulk_create(new_sites.values(), batch_size=500)
        if changed:
            fields = sorted({key for _, record in batch for key in record.site} | {"key", "province_key", "territory_key"})
            Site.objects.bulk_update(changed.values(), fields, batch_size=500)
        self.report.sites_created += len(new_sites)
        self.report.sites_updated += len(changed)
        sites.update(new_sites)
        self.touched_site_ids.update(site.pk for site in [*new_sites.values(), *changed.values()])
        return sites, errors

    @staticmethod
    def _apply_site_fields(site, values):
        values = dict(values)
        values["key"] = fold(values.get("name", site.name))
        if "province" in values:
            values["province_key"] = fold(values["province"])
        if "territory" in values:
            values["territory_key"] = fold(values["territory"])
        changed = False
        for name, value in values.items():
            if getattr(site, name) != value:
                setattr(site, name, value)
                changed = True
        return changed

    def _save_visits(self, batch, sites):
        keys = [record.source_key for _, record in batch]
        existing = {}
        for key_chunk in chunks(keys):
            existing.update({visit.source_key: visit for visit in Visit.objects.filter(source_key__in=key_chunk)})
        by_natural_key = self._visits_by_natural_key(sites, batch)
        new_visits, updated_visits, records_of = [], [], {}
        skipped = []
        for position, record in batch:
            site = sites[record.pcode]
            try:
                visit = existing.get(record.source_key) or self._match_natural_key(by_natural_key, site, record)
            except AmbiguousVisit as ambiguous:
                skipped.append(self._ambiguity_error(position, record, ambiguous.count))
                continue
            self.report.visits_per_province[site.province] += 1
            self._sites_seen.setdefault(site.province, set()).add(site.pcode)
            if visit is not None and visit.row_hash == record.row_hash:
                self.report.visits_unchanged += 1
                continue
            if visit is None:
                visit = Visit(site=site, source_key=record.source_key)
                new_visits.append(visit)
            else:
                if record.replaces_whole_visit:
                    visit.source_key = record.source_key
                updated_visits.append(visit)
            self._apply_visit_fields(visit, record)
            records_of[id(visit)] = record
            existing[record.source_key] = visit
            self.touched_site_ids.add(site.pk)
        Visit.objects.bulk_create(new_visits, batch_size=500)
        if updated_visits:
            carried = {name for visit in updated_visits for name in self._carried_fields(records_of[id(visit)])}
            Visit.objects.bulk_update(
                updated_visits, sorted(carried | {"source_key", "visit_date", "row_hash", "qualification_key"}), batch_size=500
            )
        self.report.visits_created += len(new_visits)
        self.report.visits_updated += len(updated_visits)
        self._replace_children([(visit, records_of[id(visit)]) for visit in [*new_visits, *updated_visits]])
        return skipped

    @staticmethod
    def _ambiguity_error(position, record, count):
        from madini.sites.importers.report import RowError

        return RowError(
            *position,
            "visit_date",
            record.visit_date.isoformat(),
            f"site {record.pcode} has {count} visits on this date for project "
            f"'{record.visit.get('project', '')}'; this file has no visit id to tell which one to update",
        )

    @property
    def _sites_seen(self):
        if not hasattr(self, "_sites_seen_by_province"):
            self._sites_seen_by_province = {}
        return self._sites_seen_by_province

    def site_counts_per_province(self):
        return {province: len(pcodes) for province, pcodes in self._sites_seen.items()}

    @staticmethod
    def _visits_by_natural_key(sites, batch):
        """Visits known under the other format's key: the two IPIS exports share (site, date, project)."""
        site_ids = [sites[record.pcode].pk for _, record in batch]
        found = {}
        for id_chunk in chunks(set(site_ids)):
            for visit in Visit.objects.filter(site_id__in=id_chunk):
                found.setdefault((visit.site_id, visit.visit_date, visit.project), []).append(visit)
        return found

    @staticmethod
    def _match_natural_key(by_natural_key, site, record):
        candidates = by_natural_key.get((site.pk, record.visit_date, record.visit.get("project", "")), [])
        if record.replaces_whole_visit:
            # A full row adopts a visit the dashboard export created, never one of its own kind.
            candidates = [visit for visit in candidates if visit.source_key.startswith("ipis-dashboard:")]
        if len(candidates) > 1:
            raise AmbiguousVisit(len(candidates))
        return candidates[0] if candidates else None

    @staticmethod
    def _carried_fields(record):
        return VISIT_FIELDS if record.replaces_whole_visit else record.visit.keys()

    @staticmethod
    def _apply_visit_fields(visit, record):
        if record.replaces_whole_visit:
            for name in VISIT_FIELDS:
                field = Visit._meta.get_field(name)
                setattr(visit, name, record.visit.get(name, None if field.null else ""))
        else:
            for name, value in record.visit.items():
                setattr(visit, name, value)
        visit.visit_date = record.visit_date
        visit.row_hash = record.row_hash
        visit.qualification_key = fold(visit.qualification)

    def _replace_children(self, pairs):
        mineral_pairs = [(visit, record) for visit, record in pairs if record.minerals is not None]
        actor_pairs = [(visit, record) for visit, record in pairs if record.armed_actors is not None]
        service_pairs = [(visit, record) for visit, record in pairs if record.state_services is not None]
        for id_chunk in chunks([visit.pk for visit, _ in mineral_pairs]):
            VisitMineral.objects.filter(visit_id__in=id_chunk).delete()
        for id_chunk in chunks([visit.pk for visit, _ in actor_pairs]):
            ArmedActorPresence.objects.filter(visit_id__in=id_chunk).delete()
        through = Visit.state_services.through
        for id_chunk in chunks([visit.pk for visit, _ in service_pairs]):
            through.objects.filter(visit_id__in=id_chunk).delete()

        mineral_ids = self.minerals.ids_for(in_file_order(m[0] for _, r in mineral_pairs for m in r.minerals))
        point_names = in_file_order(p for _, r in mineral_pairs for m in r.minerals for p in _split(m[1]))
        point_ids = self.trading_points.ids_for(point_names)
        visit_minerals, point_links = [], []
        for visit, record in mineral_pairs:
            for rank, (name, selling_points, destination) in enumerate(record.minerals, start=1):
                visit_mineral = VisitMineral(
                    visit=visit,
                    mineral_id=mineral_ids[name],
                    rank=rank,
                    selling_points=selling_points,
                    final_destination=destination,
                )
                visit_minerals.append(visit_mineral)
                point_links.append((visit_mineral, {point_ids[p] for p in _split(selling_points) if p in point_ids}))
        VisitMineral.objects.bulk_create(visit_minerals, batch_size=500)
        VisitMineral.trading_points.through.objects.bulk_create(
            [
                VisitMineral.trading_points.through(visitmineral_id=vm.pk, tradingpoint_id=point_id)
                for vm, point_ids_of_vm in point_links
                for point_id in point_ids_of_vm
            ],
            batch_size=500,
        )

        actor_ids = self.actors.ids_for(in_file_order(a["actor_name"] for _, r in actor_pairs for a in r.armed_actors))
        ArmedActorPresence.objects.bulk_create(
            [
                ArmedActorPresence(
                    visit=visit,
                    actor_id=actor_ids.get(presence["actor_name"]),
                    **{name: value for name, value in presence.items() if name != "actor_name"},
                )
                for visit, record in actor_pairs
                for presence in record.armed_actors
            ],
            batch_size=500,
        )

        service_ids = self.services.ids_for(in_file_order(s for _, r in service_pairs for s in r.state_services))
        through.objects.bulk_create(
            [
                through(visit_id=visit.pk, stateservice_id=service_ids[name])
                for visit, record in service_pairs
                for name in dict.fromkeys(record.state_services)
            ],
            batch_size=500,
        )


def _split(selling_points):
    return [part.strip() for part in selling_points.split(",") if part.strip()]


def refresh_latest_visits(site_ids):
    """Mark each site's latest visit (by date, then by order of arrival) and its last visit date."""
    latest_visit = Visit.objects.filter(site_id=OuterRef("pk")).order_by("-visit_date", "-id").values("id")[:1]
    for id_chunk in chunks(site_ids):
        with transaction.atomic():
            Visit.objects.filter(site_id__in=id_chunk, is_latest=True).update(is_latest=False)
            latest_ids = (
                Site.objects.filter(id__in=id_chunk).annotate(latest=Subquery(latest_visit)).values_list("latest", flat=True)
            )
            Visit.objects.filter(id__in=[visit_id for visit_id in latest_ids if visit_id]).update(is_latest=True)
            Site.objects.filter(id__in=id_chunk).update(
                last_visit_date=Subquery(
                    Visit.objects.filter(site_id=OuterRef("pk"))
                    .values("site_id")
                    .annotate(last=Max("visit_date"))
                    .values("last")[:1]
                )
            )
