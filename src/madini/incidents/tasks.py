"""Background work of case management."""

from django_tasks import task

from madini.incidents import notifications
from madini.incidents.models import Incident


@task()
def notify_new_incident(incident_id):
    incident = Incident.objects.select_related("category", "province").filter(pk=incident_id).first()
    if incident is None:
        return 0
    return notifications.notify_new_incident(incident)
