"""HTTP API for sites: thin; filtering lives in filters/queries, shapes in serializers/rows."""

from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpResponse, StreamingHttpResponse
from django.core.cache import cache
from django.utils.cache import patch_cache_control, patch_vary_headers
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import renderers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from madini.sites.exports import cached_geojson, geojson_chunks
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
        key = f"sites-json:{data_version()}:{request.get_host()}{request.get_full_path()}"
        data = cache.get(key)
        if data is None:
            response = super().list(request, *args, **kwargs)
            cache.set(key, response.data, settings.PUBLIC_CACHE_SECONDS)
            return response
        return Response(data)

    def list_as_geojson(self, request):
        filterset = self.filterset_class(request.query_params, queryset=Site.objects.all(), request=request)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        limit = request.query_params.get("limit")
        limit = int(limit) if limit and limit.isdigit() else None
        query_string = urlencode(sorted(request.query_params.items()))
        bodies, chunks = cached_geojson(filterset.criteria, query_string, limit=limit)
        if bodies is None:
            return StreamingHttpResponse(chunks, content_type=GEOJSON)
        return precompressed_response(request, *bodies, content_type=GEOJSON)


def precompressed_response(request, body, gzipped_body, content_type):
    """Serve the cached gzip when the client takes it, instead of compressing again per request."""
    if "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", ""):
        response = HttpResponse(gzipped_body, content_type=content_type)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(body, content_type=content_type)
    patch_vary_headers(response, ["Accept-Encoding"])
    return response
