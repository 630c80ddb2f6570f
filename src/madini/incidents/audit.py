"""The audit trail: who viewed an incident's sensitive fields, and who changed what."""

from madini.incidents.models import AuditEvent

Action = AuditEvent.Action


def record(user, action, incident=None, **details):
    return AuditEvent.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        incident=incident,
        action=action,
        details=details,
    )
