from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RowError:
    """Why one source row was skipped: what the user needs to find and fix it."""

    row_number: int
    line_number: int
    column: str
    value: str
    reason: str

    def __str__(self):
        shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."
        return f"row {self.row_number} (line {self.line_number}): column '{self.column}' = {shown!r}: {self.reason}"


@dataclass
class ImportReport:
    source: str
    file_format: str = ""
    rows: int = 0
    sites_created: int = 0
    sites_updated: int = 0
    visits_created: int = 0
    visits_updated: int = 0
    visits_unchanged: int = 0
    errors: list = field(default_factory=list)
    visits_per_province: Counter = field(default_factory=Counter)
    sites_per_province: Counter = field(default_factory=Counter)

    @property
    def skipped(self):
        return len(self.errors)

    @property
    def changed_anything(self):
        return bool(self.sites_created or self.sites_updated or self.visits_created or self.visits_updated)

    def summary_lines(self):
        yield f"Imported {self.source} ({self.file_format}): {self.rows} rows read."
        yield (
            f"Sites: {self.sites_created} created, {self.sites_updated} updated. "
            f"Visits: {self.visits_created} created, {self.visits_updated} updated, "
            f"{self.visits_unchanged} unchanged. Skipped rows: {self.skipped}."
        )
        if self.visits_per_province:
            yield "Per province (sites / visits in this file):"
            for province, visits in sorted(self.visits_per_province.items()):
                yield f"  {province or '(none)'}: {self.sites_per_province[province]} / {visits}"
        for error in self.errors:
            yield f"Skipped {error}"
