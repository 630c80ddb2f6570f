"""The public filter contract of /api/sites/, the map, the dashboard and the downloads."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from madini.sites.queries import filter_sites

TRUE_WORDS = {"true", "1", "yes", "oui", "ndiyo"}
FALSE_WORDS = {"false", "0", "no", "non", "hapana"}
PAGING_AND_FORMAT = {"format", "limit", "offset", "page", "csrfmiddlewaretoken", "lang", "hxl"}


class YesNoField(forms.Field):
    def to_python(self, value):
        if value in (None, ""):
            return None
        word = str(value).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise forms.ValidationError(_("“%(value)s” is not a yes/no value: use true or false."), params={"value": value})


@extend_schema_field(OpenApiTypes.BOOL)
class YesNoFilter(django_filters.Filter):
    field_class = YesNoField


class BoundingBoxField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        parts = value.split(",")
        message = _("bbox must be four numbers: minlon,minlat,maxlon,maxlat (e.g. 27.5,-4,29.5,-1).")
        try:
            min_lon, min_lat, max_lon, max_lat = (float(part) for part in parts)
        except ValueError:
            raise forms.ValidationError(message) from None
        if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
            raise forms.ValidationError(message)
        return (min_lon, min_lat, max_lon, max_lat)


@extend_schema_field(OpenApiTypes.INT)
class WholeNumberFilter(django_filters.Filter):
    """Workers are counted in whole numbers: 49.5 is refused rather than silently rounded."""

    field_class = forms.IntegerField


@extend_schema_field(OpenApiTypes.STR)
class BoundingBoxFilter(django_filters.Filter):
    field_class = BoundingBoxField


class SiteFilterSet(django_filters.FilterSet):
    province = django_filters.CharFilter(help_text=_("Province as in the data, e.g. Sud-Kivu (any case or accents)"))
    territory = django_filters.CharFilter(help_text=_("Territory (territoire) as in the data, e.g. Mwenga"))
    mineral = django_filters.CharFilter(help_text=_("Mineral as in the data (Or, Cassitérite) or in English (gold, tin)"))
    armed_presence = YesNoFilter(help_text=_("Armed actor present at the visit (the data's `presence`)"))
    armed_actor = django_filters.CharFilter(help_text=_("Armed actor, e.g. FDLR, FARDC, Maï-Maï (matches its factions)"))
    child_labour = YesNoFilter(help_text=_("Children under 15 at work (the data's `childunder15`)"))
    mercury = YesNoFilter(help_text=_("Mercury use observed"))
    state_service = django_filters.CharFilter(help_text=_("State service present, e.g. SAESSCAM"))
    workers_min = WholeNumberFilter(min_value=0, help_text=_("At least this many workers"))
    workers_max = WholeNumberFilter(min_value=0, help_text=_("At most this many workers"))
    visited_from = django_filters.DateFilter(help_text=_("Date window start (YYYY-MM-DD)"))
    visited_to = django_filters.DateFilter(help_text=_("Date window end (YYYY-MM-DD)"))
    qualification = django_filters.CharFilter(help_text=_("Official qualification: Vert, Jaune, Rouge, Bleu"))
    bbox = BoundingBoxFilter(help_text=_("minlon,minlat,maxlon,maxlat"))
    q = django_filters.CharFilter(help_text=_("Site name (or code) contains"))

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            unknown = sorted(set(self.data) - set(self.filters) - PAGING_AND_FORMAT)
            if unknown and self.is_bound:
                form.full_clean()
                form.add_error(
                    None,
                    _("Unknown filter(s): %(unknown)s. Known filters: %(known)s.")
                    % {"unknown": ", ".join(unknown), "known": ", ".join(self.filters)},
                )
        return self._form

    def filter_queryset(self, queryset):
        return filter_sites(self.criteria, queryset)

    @property
    def criteria(self):
        return dict(self.form.cleaned_data)
