"""The filter panel of the map and the dashboard: the public filter contract as a plain GET form.

It only renders the fields and the current values; sites.filters.SiteFilterSet validates.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from madini.sites.filters import FALSE_WORDS, TRUE_WORDS

ANY = ("", _("Any"))
YES_NO_CHOICES = [ANY, ("true", _("Yes")), ("false", _("No"))]
YES_NO_FIELDS = ("armed_presence", "child_labour", "mercury")
DATE_INPUT = forms.DateInput(attrs={"type": "date"})


def yes_no_field(label):
    return forms.ChoiceField(label=label, choices=YES_NO_CHOICES, required=False)


def normalised_yes_no(value):
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return "true"
    if word in FALSE_WORDS:
        return "false"
    return value


class FilterPanel(forms.Form):
    q = forms.CharField(
        label=_("Site name or code"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. Kamituga")}),
    )
    province = forms.ChoiceField(label=_("Province"), required=False)
    territory = forms.ChoiceField(label=_("Territory"), required=False)
    mineral = forms.ChoiceField(label=_("Mineral"), required=False)
    armed_actor = forms.ChoiceField(label=_("Armed actor"), required=False)
    state_service = forms.ChoiceField(label=_("State service"), required=False)
    qualification = forms.ChoiceField(label=_("Qualification"), required=False)
    armed_presence = yes_no_field(_("Armed presence"))
    child_labour = yes_no_field(_("Child labour"))
    mercury = yes_no_field(_("Mercury use"))
    workers_min = forms.IntegerField(label=_("Workers, at least"), required=False, min_value=0)
    workers_max = forms.IntegerField(label=_("Workers, at most"), required=False, min_value=0)
    visited_from = forms.DateField(label=_("Visited from"), required=False, widget=DATE_INPUT)
    visited_to = forms.DateField(label=_("Visited to"), required=False, widget=DATE_INPUT)
    bbox = forms.CharField(
        label=_("Area (min lon, min lat, max lon, max lat)"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "27.5,-4,29.5,-1", "inputmode": "decimal"}),
    )

    def __init__(self, data, choices):
        data = data.copy()
        for name in YES_NO_FIELDS:
            if data.get(name):
                data[name] = normalised_yes_no(data[name])
        super().__init__(data, label_suffix="")
        territories = [
            (province or _("Province unknown"), same_value_and_label(names))
            for province, names in choices["territories"]
        ]
        minerals = [
            (name, f"{name} ({english})" if english and english != name else name)
            for name, english in choices["minerals"]
        ]
        self.offer("province", same_value_and_label(choices["provinces"]))
        self.offer("territory", territories)
        self.offer("mineral", minerals)
        self.offer("armed_actor", same_value_and_label(choices["armed_actors"]))
        self.offer("state_service", same_value_and_label(choices["state_services"]))
        self.offer("qualification", same_value_and_label(choices["qualifications"]))

    def offer(self, name, choices):
        """Set a select's choices, keeping the current value even when the data does not list it."""
        current = self.data.get(name)
        if current and current not in set(choice_values(choices)):
            choices = [*choices, (current, current)]
        self.fields[name].choices = [ANY, *choices]


def same_value_and_label(names):
    return [(name, name) for name in names]


def choice_values(choices):
    for value, label in choices:
        if isinstance(label, list):
            yield from (option for option, _label in label)
        else:
            yield value
