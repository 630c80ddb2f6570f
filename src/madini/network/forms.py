"""Forms of the network's own records: outreach workshops."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from madini.geo.models import AdminArea
from madini.network.models import Workshop


class WorkshopForm(forms.ModelForm):
    """A workshop held by one of the organisations the user may record for (organisations_for_follow_up)."""

    class Meta:
        model = Workshop
        fields = ["organisation", "held_on", "place", "province", "topic", "men_reached", "women_reached"]
        labels = {
            "organisation": _("Organisation"),
            "held_on": _("Date"),
            "place": _("Place"),
            "province": _("Province"),
            "topic": _("Topic"),
            "men_reached": _("Men reached"),
            "women_reached": _("Women reached"),
        }
        widgets = {"held_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        if organisations.count() == 1:
            self.fields["organisation"].initial = organisations.get()
        # Provinces only, without their boundaries (large GeoJSON the form does not need).
        self.fields["province"].queryset = AdminArea.objects.filter(level=AdminArea.Level.PROVINCE).defer("geometry")

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(_("A workshop is recorded once held: its date cannot be in the future."))
        return held_on
