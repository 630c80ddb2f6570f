"""Staff API of incidents (/api/incidents/): the same rules as the staff pages, for scripts and tools.

Thin: who may do what is asked of madini.incidents.permissions, changes go through workflow and
services (which audit them), shapes live in serializers and filters in filters.
"""

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import UserRateThrottle

from madini.incidents import audit, services, workflow
from madini.incidents.filters import IncidentFilterSet
from madini.incidents.models import FollowUp, Transition
from madini.incidents.permissions import visible_incidents
from madini.incidents.serializers import (
    FollowUpRequestSerializer,
    FollowUpSerializer,
    IncidentDetailSchema,
    IncidentDetailSerializer,
    IncidentSerializer,
    IncidentWithPersonalDataSerializer,
    TransitionRequestSerializer,
    TransitionSerializer,
)

WRITE_ACTIONS = {"transitions", "follow_ups"}


class UserRateThrottleWhenConfigured(UserRateThrottle):
    """Throttles signed-in users at REST_FRAMEWORK's DEFAULT_THROTTLE_RATES["user"]; no limit when unset."""

    def get_rate(self):
        # Read at each request, not at import: the settings may change (tests, reloads).
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        self.rate = self.get_rate()
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class IncidentRules(permissions.BasePermission):
    """The staff pages' rules: network staff list; seeing needs view_incident, changing act_on_incident."""

    def has_permission(self, request, view):
        return request.user.has_perm("incidents.list_incidents")

    def has_object_permission(self, request, view, incident):
        if request.method not in permissions.SAFE_METHODS and view.action in WRITE_ACTIONS:
            return request.user.has_perm("incidents.act_on_incident", incident)
        return request.user.has_perm("incidents.view_incident", incident)


REFUSED = OpenApiResponse(description="Refused: the message says why (e.g. the possible next steps); nothing changed")


@extend_schema_view(
    list=extend_schema(summary="Incidents the user may see, newest first"),
    retrieve=extend_schema(
        summary="One incident, with its transitions and follow-ups",
        description=(
            "The reporter's words (description, location_text, occurred_on_text), pseudonym (reporter) and "
            "transcript are included only for users who may read personal data; for others these keys are absent. "
            "Each such reading is recorded in the audit trail."
        ),
        responses=IncidentDetailSchema,
    ),
)
class IncidentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Incidents for the network's staff. An incident outside the user's scope answers 404."""

    lookup_field = "reference"
    filterset_class = IncidentFilterSet
    permission_classes = [permissions.IsAuthenticated, IncidentRules]
    throttle_classes = [*api_settings.DEFAULT_THROTTLE_CLASSES, UserRateThrottleWhenConfigured]
    serializer_class = IncidentSerializer

    def get_queryset(self):
        incidents = (
            visible_incidents(self.request.user)
            .select_related("category", "province", "territory", "organisation", "site", "merged_into")
            # Only the areas' names are shown: not their boundaries (large GeoJSON).
            .defer("province__geometry", "territory__geometry")
        )
        if self.action == "list":
            return incidents.order_by("-created_at", "-id")
        return incidents.select_related("reporter").prefetch_related(
            Prefetch("transitions", Transition.objects.select_related("by")),
            Prefetch("follow_ups", FollowUp.objects.select_related("organisation", "recorded_by")),
        )

    def retrieve(self, request, *args, **kwargs):
        incident = self.get_object()
        if request.user.has_perm("incidents.view_personal_data", incident):
            audit.record(request.user, audit.Action.VIEWED, incident)
            serializer = IncidentWithPersonalDataSerializer(incident, context=self.get_serializer_context())
        else:
            serializer = IncidentDetailSerializer(incident, context=self.get_serializer_context())
        return Response(serializer.data)

    @extend_schema(methods=["GET"], summary="The incident's moves through the workflow", request=None,
                   responses=TransitionSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        summary="Move the incident to another status",
        request=TransitionRequestSerializer,
        responses={201: TransitionSerializer, 400: REFUSED},
    )
    @action(detail=True, methods=["get", "post"], url_path="transitions", pagination_class=None)
    def transitions(self, request, reference=None):
        incident = self.get_object()
        if request.method == "GET":
            return Response(TransitionSerializer(incident.transitions.all(), many=True).data)
        wanted = TransitionRequestSerializer(data=request.data, context=self.get_serializer_context())
        wanted.is_valid(raise_exception=True)
        move = wanted.validated_data
        try:
            workflow.move(incident, move["to_status"], request.user, reason=move["reason"],
                          severity=move["severity"], merge_into=move["merge_into"])
        except workflow.TransitionRefused as refused:
            raise ValidationError({"detail": str(refused)}) from None
        recorded = Transition.objects.filter(incident=incident).last()
        return Response(TransitionSerializer(recorded).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], summary="What organisations did about the incident", request=None,
                   responses=FollowUpSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        summary="Record a follow-up",
        request=FollowUpRequestSerializer,
        responses={201: FollowUpSerializer, 400: REFUSED},
    )
    @action(detail=True, methods=["get", "post"], url_path="follow-ups", pagination_class=None)
    def follow_ups(self, request, reference=None):
        incident = self.get_object()
        if request.method == "GET":
            return Response(FollowUpSerializer(incident.follow_ups.all(), many=True).data)
        follow_up = FollowUpRequestSerializer(data=request.data, context=self.get_serializer_context())
        follow_up.is_valid(raise_exception=True)
        try:
            recorded = services.add_follow_up(incident, request.user, **follow_up.validated_data)
        except services.ActionRefused as refused:
            raise ValidationError({"detail": str(refused)}) from None
        return Response(FollowUpSerializer(recorded).data, status=status.HTTP_201_CREATED)

