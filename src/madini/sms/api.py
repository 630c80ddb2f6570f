"""HTTP API for the mineral prices MATOKEO answers with: any signed-in user reads them, staff record them."""

from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, permissions, serializers, viewsets

from madini.sites.models import Mineral
from madini.sms.models import MineralPrice
from madini.sms.prices import minerals_named


class MineralField(serializers.RelatedField):
    """A mineral by any of its names: "Or", "gold", "dhahabu", "cassiterite", "tin" …"""

    default_error_messages = {
        "unknown": _("No mineral is called {name}."),
        "ambiguous": _("{name} names more than one mineral: use the mineral's own name."),
    }

    def to_internal_value(self, data):
        minerals = minerals_named(str(data))
        if not minerals:
            self.fail("unknown", name=data)
        if len(minerals) > 1:
            self.fail("ambiguous", name=data)
        return Mineral.objects.get(id=minerals.pop())

    def to_representation(self, mineral):
        return mineral.name


class MineralPriceSerializer(serializers.ModelSerializer):
    mineral = MineralField(queryset=Mineral.objects.all())
    mineral_en = serializers.CharField(source="mineral.name_en", read_only=True)

    class Meta:
        model = MineralPrice
        fields = ["id", "mineral", "mineral_en", "market", "price", "unit", "currency", "recorded_on"]

    def validate_currency(self, value):
        if not (len(value) == 3 and value.isalpha()):
            raise serializers.ValidationError(_("An ISO 4217 code, e.g. USD, CDF, TZS."))
        return value.upper()


class StaffWrite(permissions.BasePermission):
    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or request.user.is_staff


class MineralPriceViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Mineral prices by market, the newest first; filter with `mineral__key` (e.g. `or`), `market`,
    `recorded_on__gte`, `recorded_on__lte`."""

    serializer_class = MineralPriceSerializer
    permission_classes = [permissions.IsAuthenticated, StaffWrite]
    queryset = MineralPrice.objects.select_related("mineral").order_by("-recorded_on", "-id")
    filterset_fields = {"mineral__key": ["exact"], "market": ["exact", "icontains"], "recorded_on": ["gte", "lte"]}

    def perform_create(self, serializer):
        serializer.save(recorded_by=self.request.user)
