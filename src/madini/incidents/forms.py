"""The forms of the staff pages: inbox filters, workflow, corrections, follow-ups, replies, manual entry."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from madini.geo.models import AdminArea
from madini.incidents.models import FollowUp, Incident, IncidentCategory
from madini.network.models import Organisation
from madini.sites.models import Site


class DateInput(forms.DateInput):
    input_type = "date"


def top_categories():
    return IncidentCategory.objects.filter(active=True).order_by("menu_order", "code")


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("any"))] + Incident.Status.choices)
    category = forms.ModelChoiceField(label=_("Category"), required=False, queryset=IncidentCategory.objects.none(),
                                      empty_label=_("any"))
    province = forms.ModelChoiceField(label=_("Province"), required=False, empty_label=_("any"),
                                      queryset=AdminArea.objects.filter(level=AdminArea.Level.PROVINCE).defer("geometry"))
    date_from = forms.DateField(label=_("Reported from"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("to"), required=False, widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = top_categories()


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(choices=Incident.Status.choices)
    reason = forms.CharField(label=_("Why"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    severity = forms.TypedChoiceField(label=_("Severity"), required=False, coerce=int, empty_value=None,
                                      choices=[("", "—")] + Incident.Severity.choices)
    merge_into = forms.CharField(label=_("Duplicate of (reference)"), required=False, max_length=12)

    def clean_merge_into(self):
        reference = self.cleaned_data["merge_into"].strip().upper()
        if not reference:
            return None
        survivor = Incident.objects.filter(reference=reference).first()
        if survivor is None:
            raise forms.ValidationError(_("No incident has the reference %(reference)s."), params={"reference": reference})
        return survivor


class SiteReferenceField(forms.CharField):
    """A mine site given by its code (as the open data and the suggestions show it)."""

    def clean(self, value):
        value = super().clean(value).strip()
        if not value:
            return None
        site = Site.objects.filter(pcode__iexact=value).first()
        if site is None:
            raise forms.ValidationError(_("No mine site has the code %(code)s."), params={"code": value})
        return site


class CorrectionForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=IncidentCategory.objects.none())
    occurred_on = forms.DateField(label=_("Date of the incident"), required=False, widget=DateInput)
    site = SiteReferenceField(label=_("Mine site (code)"), required=False, max_length=40)
    severity = forms.TypedChoiceField(label=_("Severity"), required=False, coerce=int, empty_value=None,
                                      choices=[("", "—")] + Incident.Severity.choices)
    people_affected = forms.IntegerField(label=_("People affected"), required=False, min_value=0)
    organisation = forms.ModelChoiceField(label=_("Assigned to"), required=False, queryset=None, empty_label="—")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = top_categories()
        # Any organisation of the network: a case can be handed over to one that covers the place.
        self.fields["organisation"].queryset = Organisation.objects.filter(active=True)

    @classmethod
    def initial_for(cls, incident):
        return {
            "category": incident.category_id, "occurred_on": incident.occurred_on,
            "site": incident.site.pcode if incident.site_id else "", "severity": incident.severity,
            "people_affected": incident.people_affected, "organisation": incident.organisation_id,
        }


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = ["kind", "done_on", "organisation", "notes", "outcome"]
        widgets = {"done_on": DateInput, "notes": forms.Textarea(attrs={"rows": 2}), "outcome": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["done_on"].initial = timezone.localdate
        # A member of one organisation records what their organisation did.
        only = list(organisations[:2])
        if len(only) == 1:
            self.fields["organisation"].initial = only[0].pk

    def clean_done_on(self):
        done_on = self.cleaned_data["done_on"]
        if done_on > timezone.localdate():
            raise forms.ValidationError(_("A follow-up is recorded once done: its date cannot be in the future."))
        return done_on


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("Message to the reporter"), max_length=450,
                           widget=forms.Textarea(attrs={"rows": 3, "maxlength": 450}))


class PublicationForm(forms.Form):
    published = forms.BooleanField(label=_("Show on the public dashboard"), required=False)
    public_summary = forms.CharField(
        label=_("Public summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the public reads. Never copy the reporter's words or anything that could identify them."),
    )


class EntryForm(forms.Form):
    channel = forms.ChoiceField(label=_("Received by"), choices=[
        choice for choice in Incident.Channel.choices if choice[0] != Incident.Channel.SMS
    ])
    category = forms.ModelChoiceField(label=_("Category"), queryset=IncidentCategory.objects.none())
    occurred_on = forms.DateField(label=_("Date of the incident"), required=False, widget=DateInput)
    location_text = forms.CharField(label=_("Place, as told"), required=False, max_length=300)
    site = SiteReferenceField(label=_("Mine site (code), if known"), required=False, max_length=40)
    area = forms.ModelChoiceField(
        label=_("Territory or province, if no site"), required=False, empty_label="—",
        queryset=AdminArea.objects.filter(level__in=[AdminArea.Level.PROVINCE, AdminArea.Level.TERRITORY]).defer("geometry"),
    )
    description = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 4}))
    people_affected = forms.IntegerField(label=_("People affected"), required=False, min_value=0)
    severity = forms.TypedChoiceField(label=_("Severity"), required=False, coerce=int, empty_value=None,
                                      choices=[("", "—")] + Incident.Severity.choices)
    language = forms.ChoiceField(label=_("Language of the account"), required=False,
                                 choices=[("", "—"), ("sw", "Kiswahili"), ("fr", "Français"), ("en", "English")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = top_categories()

    def clean_occurred_on(self):
        occurred_on = self.cleaned_data["occurred_on"]
        if occurred_on and occurred_on > timezone.localdate():
            raise forms.ValidationError(_("The date of the incident cannot be in the future."))
        return occurred_on
