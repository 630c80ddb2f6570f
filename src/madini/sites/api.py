"""HTTP API for sites: thin; filtering lives in filters/queries, shapes in serializers/rows."""

from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import renderers, viewsets
from rest_framework.exceptions import ValidationError

from madini.sites.exports import CachedBody, cached_geojson
from madini.sites.filters import SiteFilterSet
from madini.sites.models import Site
from madini.sites.queries import data_version, selected_visits
from madini.sites.serializers import SiteDetailSerializer, SiteListSerializer


GEOJSON = "application/geo+json"


class GeoJSONRenderer(renderers.JSONRenderer):
    media_type = GEOJSON
    format = "geojson"


FORMAT_PARAMETER = OpenApiParameter(
    "format", OpenApiTypes.STR, enum=["json", "geojson"], description="geojson returns a FeatureCollection"
)


@extend_schema(parameters=[FORMAT_PARAMETER])
class SiteViewSet(viewsets.ReadOnlyModelViewSet):
    """Artisanal mine sites with their latest visit; the detail has the full visit history."""

    lookup_field = "pcode"
    filterset_class = SiteFilterSet
    renderer_classes = [renderers.JSONRenderer, GeoJSONRenderer]

    def get_queryset(self):
        if self.action == "retrieve":
            return Site.objects.prefetch_related(
                "visits__minerals__mineral", "visits__armed_actors__actor", "visits__state_services"
            ).select_related("province_area", "territory_area")
        # The visit shown is the one the filters matched: the latest within the date window, if any.
        filterset = self.filterset_class(self.request.query_params, queryset=Site.objects.none())
        criteria = filterset.criteria if filterset.is_valid() else {}
        shown = selected_visits(criteria).prefetch_related("minerals__mineral")
        return Site.objects.order_by("pcode").prefetch_related(Prefetch("visits", shown, to_attr="latest_visits"))

    def get_serializer_class(self):
        return SiteDetailSerializer if self.action == "retrieve" else SiteListSerializer

    def list(self, request, *args, **kwargs):
        if request.accepted_renderer.format == "geojson":
            response = self.list_as_geojson(request)
        else:
            response = self.list_as_json(request, *args, **kwargs)
        patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS)
        return response

    def list_as_json(self, request, *args, **kwargs):
        """The page rendered once and kept, with its compressed copies, while the data is unchanged."""
        media_type = request.accepted_media_type
        key = f"sites-json-v2:{data_version()}:{media_type}:{request.get_host()}{request.get_full_path()}"
        cached = CachedBody.get(key)
        if cached is None:
            data = super().list(request, *args, **kwargs).data
            body = request.accepted_renderer.render(data, media_type, self.get_renderer_context())
            cached = CachedBody.store(key, body)
        return precompressed_response(request, cached, content_type=request.accepted_renderer.media_type)

    def list_as_geojson(self, request):
        filterset = self.filterset_class(request.query_params, queryset=Site.objects.all(), request=request)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        limit = request.query_params.get("limit")
        limit = int(limit) if limit and limit.isdigit() else None
        query_string = urlencode(sorted(request.query_params.items()))
        cached, chunks = cached_geojson(filterset.criteria, query_string, limit=limit)
        if cached is None:
            return StreamingHttpResponse(chunks, content_type=GEOJSON)
        return precompressed_response(request, cached, content_type=GEOJSON)


def accepted_codings(header):
    """{content coding: q} of an Accept-Encoding header (RFC 9110 12.5.3); names lower-cased."""
    codings = {}
    for part in header.split(","):
        name, *parameters = (piece.strip() for piece in part.split(";"))
        if not name:
            continue
        q = 1.0
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        codings[name.lower()] = q
    return codings


def preferred_coding(header):
    """br or gzip, whichever the client weighs higher (br on a tie: smaller), or None for identity."""
    codings = accepted_codings(header)
    wildcard = codings.get("*", 0.0)
    weights = {
        "br": codings.get("br", wildcard),
        "gzip": codings.get("gzip", codings.get("x-gzip", wildcard)),
    }
    best = max(weights, key=lambda coding: (weights[coding], coding == "br"))
    return best if weights[best] > 0 else None


def precompressed_response(request, cached, content_type):
    """Send the cached body in the coding the client takes best (Brotli, else gzip), compressed once per entry."""
    coding = preferred_coding(request.META.get("HTTP_ACCEPT_ENCODING", ""))
    if coding is None:
        response = HttpResponse(cached.plain, content_type=content_type)
    else:
        response = HttpResponse(cached.encoded(coding), content_type=content_type)
        response["Content-Encoding"] = coding
    patch_vary_headers(response, ["Accept-Encoding"])
    return response
