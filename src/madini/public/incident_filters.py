"""The public incident filters as a plain GET form: what the dashboard offers and the downloads accept."""

from django import forms
from django.utils.translation import gettext_lazy as _

from madini.geo.models import AdminArea
from madini.incidents.models import IncidentCategory
from madini.incidents.public import PublicStatus

ANY = ("", _("Any"))
DATE_INPUT = forms.DateInput(attrs={"type": "date"})
NOT_FILTERS = {"page", "lang"}


class IncidentFilters(forms.Form):
    date_from = forms.DateField(
        label=_("From"), required=False, widget=DATE_INPUT, help_text=_("Happened on or after (YYYY-MM-DD)")
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=DATE_INPUT, help_text=_("Happened on or before (YYYY-MM-DD)")
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, help_text=_("Category code, e.g. violence (includes its subcategories)")
    )
    province = forms.CharField(
        label=_("Province"), required=False, help_text=_("Province name, e.g. Sud-Kivu (any case or accents)")
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[ANY, *PublicStatus.choices], help_text=_("Public status code")
    )

    def __init__(self, data):
        super().__init__(data, label_suffix="")
        self.fields["category"].choices = [ANY, *category_choices()]
        provinces = AdminArea.objects.filter(level=AdminArea.Level.PROVINCE).order_by("name")
        self.fields["province"].widget = forms.Select(choices=province_choices(provinces, data.get("province")))

    def clean(self):
        cleaned = super().clean()
        unknown = sorted(set(self.data) - set(self.fields) - NOT_FILTERS)
        if unknown:
            raise forms.ValidationError(
                _("Unknown filter(s): %(unknown)s. Known filters: %(known)s.")
                % {"unknown": ", ".join(unknown), "known": ", ".join(self.fields)}
            )
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            raise forms.ValidationError(_("The start date must not be after the end date."))
        return cleaned

    @property
    def criteria(self):
        """The arguments of incidents.public.filter_public_incidents; only valid once is_valid()."""
        return dict(self.cleaned_data)

    def error_messages(self):
        return [
            str(message) if field == "__all__" else f"{field}: {message}"
            for field, messages in self.errors.items()
            for message in messages
        ]


def category_choices():
    """Top-level categories, each followed by its subcategories."""
    categories = list(IncidentCategory.objects.select_related("parent"))
    children = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category)
    choices = []
    for parent in children.get(None, []):
        choices.append((parent.code, parent.label()))
        choices += [(child.code, f"– {child.label()}") for child in children.get(parent.id, [])]
    return choices


def province_choices(provinces, current):
    names = [area.name for area in provinces.only("name")]
    if current and current not in names:
        names.append(current)
    return [ANY, *((name, name) for name in names)]
