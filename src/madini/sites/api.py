"""HTTP API for sites: thin; filtering lives in filters/queries, shapes in serializers/rows."""

from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.cache import patch_cache_control
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import renderers, viewsets
from rest_framework.exceptions import ValidationError

from madini.sites.exports import cached_geojson, geojson_chunks
from madini.sites.filters import SiteFilterSet
from madini.sites.models import Site, Visit
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
        latest = Visit.objects.filter(is_latest=True).prefetch_related("minerals__mineral")
        return Site.objects.order_by("pcode").prefetch_related(Prefetch("visits", latest, to_attr="latest_visits"))

    def get_serializer_class(self):
        return SiteDetailSerializer if self.action == "retrieve" else SiteListSerializer

    def list(self, request, *args, **kwargs):
        if request.accepted_renderer.format != "geojson":
            response = super().list(request, *args, **kwargs)
        else:
            response = self.list_as_geojson(request)
        patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS)
        return response

    def list_as_geojson(self, request):
        filterset = self.filterset_class(request.query_params, queryset=Site.objects.all(), request=request)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        limit = request.query_params.get("limit")
        limit = int(limit) if limit and limit.isdigit() else None
        query_string = urlencode(sorted(request.query_params.items()))
        body = cached_geojson(filterset.criteria, query_string, limit=limit)
        if body is None:
            return StreamingHttpResponse(geojson_chunks(filterset.criteria, limit=limit), content_type=GEOJSON)
        return HttpResponse(body, content_type=GEOJSON)
