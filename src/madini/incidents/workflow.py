"""The case workflow: the only moves an incident can make, each recorded with who, when and why.

    received → validated | rejected | duplicate (merged into another incident)
    validated → in_follow_up
    in_follow_up → resolved | unresolved
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from madini.incidents import audit, closing
from madini.incidents.models import Incident, Transition

Status = Incident.Status

ALLOWED = {
    Status.RECEIVED: (Status.VALIDATED, Status.REJECTED, Status.DUPLICATE),
    Status.VALIDATED: (Status.IN_FOLLOW_UP,),
    Status.IN_FOLLOW_UP: (Status.RESOLVED, Status.UNRESOLVED),
}
CLOSING = (Status.REJECTED, Status.DUPLICATE, Status.RESOLVED, Status.UNRESOLVED)


class TransitionRefused(ValueError):
    """A move the workflow does not allow, or one missing what it needs; nothing was changed."""


def next_statuses(incident):
    return ALLOWED.get(incident.status, ())


def move(incident, to_status, user, reason="", severity=None, merge_into=None):
    """Move `incident` to `to_status`; raises TransitionRefused (changing nothing) when it may not."""
    to_status = Status(to_status) if to_status in Status.values else None
    check_move(incident, to_status, severity, merge_into)
    with transaction.atomic():
        # Locked and re-read: two people moving one case at once cannot both succeed.
        current = Incident.objects.select_for_update().get(pk=incident.pk)
        check_move(current, to_status, severity, merge_into)
        now = timezone.now()
        from_status = current.status
        current.status = to_status
        changed = ["status", "updated_at"]
        if to_status == Status.VALIDATED:
            current.validated_at = now
            current.severity = severity or current.severity
            changed += ["validated_at", "severity"]
        if to_status == Status.DUPLICATE:
            current.merged_into = merge_into
            changed.append("merged_into")
        if to_status in CLOSING:
            current.closed_at = now
            changed.append("closed_at")
        current.save(update_fields=changed)
        Transition.objects.create(incident=current, from_status=from_status, to_status=to_status, by=user, reason=reason)
        audit.record(user, audit.Action.TRANSITIONED, current, from_status=from_status, to_status=to_status, reason=reason)
        if to_status in (Status.RESOLVED, Status.UNRESOLVED):
            closing.tell_reporter(current)
    incident.refresh_from_db()
    return incident


def check_move(incident, to_status, severity, merge_into):
    if to_status is None:
        raise TransitionRefused(_("Unknown status. Choose one of the buttons on the incident page."))
    if to_status not in next_statuses(incident):
        allowed = ", ".join(str(Status(status).label) for status in next_statuses(incident)) or _("none: it is closed")
        raise TransitionRefused(
            _("An incident that is %(current)s cannot become %(wanted)s. Possible next steps: %(allowed)s.")
            % {"current": incident.get_status_display(), "wanted": to_status.label, "allowed": allowed}
        )
    if to_status == Status.VALIDATED and not (severity or incident.severity):
        raise TransitionRefused(_("Choose a severity (1 high, 2 medium, 3 low) to validate the incident."))
    if severity is not None and severity not in Incident.Severity.values:
        raise TransitionRefused(_("Severity must be 1 (high), 2 (medium) or 3 (low)."))
    if to_status == Status.DUPLICATE:
        if merge_into is None:
            raise TransitionRefused(_("Give the reference of the incident this one duplicates."))
        if merge_into.pk == incident.pk:
            raise TransitionRefused(_("An incident cannot be a duplicate of itself."))
        if merge_into.status == Status.DUPLICATE:
            raise TransitionRefused(
                _("%(reference)s is itself a duplicate: merge into the incident it was merged into.")
                % {"reference": merge_into.reference}
            )
