"""Staff pages of case management: the inbox, the incident page and its actions, manual entry, the audit trail.

Thin views: who may do what is asked of madini.incidents.permissions, reading of queries, writing
of services and workflow. Every action is a POST (CSRF-protected) that redirects back to the page.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from madini.incidents import audit, deadlines, queries, services, workflow
from madini.incidents.forms import (
    CorrectionForm,
    EntryForm,
    FollowUpForm,
    InboxFilterForm,
    PublicationForm,
    ReplyForm,
    TransitionForm,
)
from madini.incidents.exports_staff import write_inbox_csv
from madini.incidents.minimap import minimap
from madini.incidents.models import AuditEvent
from madini.incidents.permissions import organisations_for_follow_up, visible_incidents


def requires(permission):
    """Login, then the permission (without an object): 403 for a logged-in user who lacks it."""

    def decorator(view):
        @login_required
        @wraps(view)
        def checked(request, *args, **kwargs):
            if not request.user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return checked

    return decorator


def visible_incident(request, reference):
    """The incident, if the user may see it; 404 otherwise, so its existence does not leak."""
    incident = get_object_or_404(
        visible_incidents(request.user).select_related(
            "category", "province", "territory", "organisation", "site", "area", "reporter", "merged_into"
        ),
        reference=reference,
    )
    return incident


def acting_on(view):
    """A POST action on an incident the user may act on."""

    @requires("incidents.list_incidents")
    @require_POST
    @wraps(view)
    def checked(request, reference):
        incident = visible_incident(request, reference)
        if not request.user.has_perm("incidents.act_on_incident", incident):
            raise PermissionDenied
        try:
            view(request, incident)
        except (workflow.TransitionRefused, services.ActionRefused) as refused:
            messages.error(request, str(refused))
        return redirect("casework:incident", reference=incident.reference)

    return checked


@requires("incidents.list_incidents")
def inbox(request):
    form = InboxFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    incidents = queries.inbox(request.user, **{key: value for key, value in filters.items() if value})
    page = Paginator(incidents, queries.INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(incident, deadlines.overdue(incident)) for incident in page]
    new_count = queries.inbox(request.user, only_new=True).count()
    return render(request, "casework/inbox.html", {"form": form, "page": page, "rows": rows, "new_count": new_count})


@requires("incidents.export_incidents")
def inbox_csv(request):
    """The inbox's incidents under its filters as CSV; the reporter's words only for who may read them."""
    form = InboxFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    incidents = queries.inbox(request.user, **{key: value for key, value in filters.items() if value})
    audit.record(request.user, audit.Action.EXPORTED, None, export="inbox.csv", filters=request.GET.urlencode())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="madini-incidents.csv"'
    write_inbox_csv(response, request.user, incidents)
    return response


@requires("incidents.list_incidents")
def incident_page(request, reference):
    incident = visible_incident(request, reference)
    user = request.user
    personal = user.has_perm("incidents.view_personal_data", incident)
    acts = user.has_perm("incidents.act_on_incident", incident)
    if personal:
        audit.record(user, audit.Action.VIEWED, incident)
    nearby_sites = queries.nearby_sites(incident)
    nearby_incidents = queries.nearby_incidents(user, incident)
    organisations = organisations_for_follow_up(user)
    context = {
        "incident": incident,
        "personal": personal,
        "acts": acts,
        "overdue": deadlines.overdue(incident),
        "validation_due": deadlines.validation_due(incident),
        "resolution_due": deadlines.resolution_due(incident),
        "transcript": queries.transcript(incident) if personal else [],
        "latest_visit": queries.latest_visit(incident.site),
        "nearby_sites": nearby_sites,
        "nearby_incidents": nearby_incidents,
        "duplicates": queries.possible_duplicates(user, incident),
        "merged_duplicates": incident.merged_duplicates.all(),
        "transitions": incident.transitions.select_related("by"),
        "follow_ups": incident.follow_ups.select_related("organisation", "recorded_by"),
        "next_statuses": workflow.next_statuses(incident),
        "map": minimap(
            queries.incident_point(incident),
            incident.territory or incident.province,
            sites=[(site.longitude, site.latitude, site.name) for site, _distance in nearby_sites]
            + ([(incident.site.longitude, incident.site.latitude, incident.site.name)] if incident.site_id else []),
        ),
    }
    if acts:
        context.update(
            transition_form=TransitionForm(initial={"severity": incident.severity}),
            correction_form=CorrectionForm(initial=CorrectionForm.initial_for(incident)),
            follow_up_form=FollowUpForm(organisations=organisations),
            publication_form=PublicationForm(
                initial={"published": incident.published, "public_summary": incident.public_summary}
            ),
            reply_form=ReplyForm() if user.has_perm("incidents.reply_to_reporter", incident) else None,
            can_reply=incident.reporter_id is not None and incident.reporter.encrypted_number is not None,
        )
    return render(request, "casework/incident.html", context)


def _form_errors(form):
    return " ".join(f"{form.fields[field].label if field in form.fields else ''}: {' '.join(errors)}".lstrip(": ")
                    for field, errors in form.errors.items())


@acting_on
def transition(request, incident):
    form = TransitionForm(request.POST)
    if not form.is_valid():
        raise services.ActionRefused(_form_errors(form))
    data = form.cleaned_data
    survivor = data["merge_into"]
    if survivor is not None and not visible_incidents(request.user).filter(pk=survivor.pk).exists():
        # As if it did not exist: a reference outside one's scope reveals nothing.
        raise services.ActionRefused(_("No incident has the reference %(reference)s.") % {"reference": survivor.reference})
    workflow.move(incident, data["to_status"], request.user, reason=data["reason"], severity=data["severity"],
                  merge_into=data["merge_into"])
    messages.success(request, _("%(reference)s is now %(status)s.") % {
        "reference": incident.reference, "status": incident.get_status_display()})


@acting_on
def correct(request, incident):
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        raise services.ActionRefused(_form_errors(form))
    services.correct_incident(incident, request.user, **form.cleaned_data)
    messages.success(request, _("The corrections are saved."))


@acting_on
def follow_up(request, incident):
    form = FollowUpForm(request.POST, organisations=organisations_for_follow_up(request.user))
    if not form.is_valid():
        raise services.ActionRefused(_form_errors(form))
    services.add_follow_up(incident, request.user, **form.cleaned_data)
    messages.success(request, _("The follow-up is recorded."))


@acting_on
def reply(request, incident):
    form = ReplyForm(request.POST)
    if not form.is_valid():
        raise services.ActionRefused(_form_errors(form))
    services.reply_to_reporter(incident, request.user, form.cleaned_data["text"])
    messages.success(request, _("The message is queued for the reporter. Their number is never shown."))


@acting_on
def publication(request, incident):
    form = PublicationForm(request.POST)
    form.is_valid()
    services.set_publication(incident, request.user, form.cleaned_data["published"], form.cleaned_data["public_summary"])
    messages.success(request, _("Published on the public dashboard.") if incident.published
                     else _("Not shown on the public dashboard."))


@requires("incidents.enter_incident")
def enter_incident(request):
    form = EntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            incident = services.enter_incident(request.user, **data)
        except services.ActionRefused as refused:
            form.add_error(None, str(refused))
        else:
            if not request.user.has_perm("incidents.view_incident", incident):
                messages.warning(request, _("%(reference)s is recorded, in a province your organisation does not cover.")
                                 % {"reference": incident.reference})
                return redirect("casework:inbox")
            messages.success(request, _("%(reference)s is recorded.") % {"reference": incident.reference})
            return redirect("casework:incident", reference=incident.reference)
    return render(request, "casework/enter.html", {"form": form})


@requires("incidents.view_audit_trail")
def audit_trail(request):
    events = AuditEvent.objects.select_related("user", "incident")
    reference = request.GET.get("incident", "").strip()
    if reference:
        events = events.filter(incident__reference=reference)
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    return render(request, "casework/audit.html", {"page": page, "reference": reference})
