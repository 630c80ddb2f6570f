"""Shapes of the staff API (/api/incidents/).

Two detail shapes: without and with personal data (the reporter's words, the transcript, the
pseudonym). Which one a user gets is decided by `incidents.view_personal_data`; the other keys are
then absent, not null, so a client cannot mistake "hidden" for "empty".
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from madini.incidents import deadlines
from madini.incidents.models import FollowUp, Incident, Transition
from madini.incidents.permissions import organisations_for_follow_up, visible_incidents
from madini.network.models import Organisation


class IncidentSerializer(serializers.ModelSerializer):
    """What every member of the network staff may read about an incident, in the list and the detail."""

    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    category_label = serializers.SerializerMethodField()
    province = serializers.SlugRelatedField(slug_field="name", read_only=True)
    territory = serializers.SlugRelatedField(slug_field="name", read_only=True)
    organisation_name = serializers.SerializerMethodField()
    site = serializers.SlugRelatedField(slug_field="pcode", read_only=True)
    merged_into = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    overdue = serializers.SerializerMethodField(
        help_text=_("'validation' or 'resolution' when past that deadline and still waiting; null otherwise")
    )

    class Meta:
        model = Incident
        fields = [
            "reference", "status", "category", "category_label", "channel", "language", "occurred_on",
            "location_precision", "province", "territory", "site", "longitude", "latitude", "people_affected",
            "severity", "organisation", "organisation_name", "consent_to_contact", "merged_into",
            "created_at", "updated_at", "validated_at", "closed_at", "overdue", "published", "public_summary",
        ]
        read_only_fields = fields

    def get_category_label(self, incident) -> str:
        return incident.category.label()

    def get_organisation_name(self, incident) -> str | None:
        return str(incident.organisation) if incident.organisation_id else None

    @extend_schema_field(serializers.ChoiceField(choices=["validation", "resolution"], allow_null=True))
    def get_overdue(self, incident):
        return deadlines.overdue(incident)


# The schema names the incident's status enum after its field ("status"). The transitions' from/to
# statuses point to that enum rather than repeat it under other names (which the schema generator
# warns about); ENUM_NAME_OVERRIDES in settings would be the other way.
INCIDENT_STATUS_SCHEMA = {"$ref": "#/components/schemas/StatusEnum"}


@extend_schema_field(INCIDENT_STATUS_SCHEMA)
class IncidentStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=Incident.Status.choices, **kwargs)


class TransitionSerializer(serializers.ModelSerializer):
    from_status = IncidentStatusField(read_only=True)
    to_status = IncidentStatusField(read_only=True)
    by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Transition
        fields = ["from_status", "to_status", "by", "at", "reason"]
        read_only_fields = fields


class FollowUpSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = FollowUp
        fields = ["id", "kind", "done_on", "organisation", "organisation_name", "notes", "outcome",
                  "recorded_by", "recorded_at"]
        read_only_fields = fields


class IncidentDetailSerializer(IncidentSerializer):
    """The detail for a user who may not read personal data (an analyst)."""

    transitions = TransitionSerializer(many=True, read_only=True)
    follow_ups = FollowUpSerializer(many=True, read_only=True)

    class Meta(IncidentSerializer.Meta):
        fields = [*IncidentSerializer.Meta.fields, "transitions", "follow_ups"]
        read_only_fields = fields


class InboundMessageSerializer(serializers.Serializer):
    incident = serializers.CharField(source="incident.reference", help_text=_("Reference it was filed under"))
    text = serializers.CharField()
    received_at = serializers.DateTimeField()


class OutboundMessageSerializer(serializers.Serializer):
    incident = serializers.CharField(source="incident.reference", help_text=_("Reference it was filed under"))
    text = serializers.CharField()
    created_at = serializers.DateTimeField()
    # A plain string, not an enum: an enum named "status" would collide with the incident's in the schema.
    status = serializers.CharField(help_text=_("queued, sent, delivered or failed, as the gateway reported"))


class TranscriptSerializer(serializers.Serializer):
    inbound = InboundMessageSerializer(many=True, help_text=_("What the reporter sent"))
    outbound = OutboundMessageSerializer(many=True, help_text=_("What was sent to the reporter"))


class IncidentWithPersonalDataSerializer(IncidentDetailSerializer):
    """The detail for a user who may read personal data: the reporter's words, pseudonym and transcript."""

    reporter = serializers.SerializerMethodField(help_text=_("The reporter's pseudonym; never their number"))
    transcript = serializers.SerializerMethodField(
        help_text=_("The conversation, including that of the duplicates merged into this incident")
    )

    class Meta(IncidentDetailSerializer.Meta):
        fields = [
            *IncidentDetailSerializer.Meta.fields,
            "description", "location_text", "occurred_on_text", "reporter", "transcript",
        ]
        read_only_fields = fields

    def get_reporter(self, incident) -> str | None:
        return str(incident.reporter.display_name) if incident.reporter_id else None

    @extend_schema_field(TranscriptSerializer)
    def get_transcript(self, incident):
        from madini.sms.models import InboundMessage, OutboundMessage

        filed_under = Q(incident=incident) | Q(incident__merged_into=incident)
        inbound = InboundMessage.objects.filter(filed_under).select_related("incident")
        outbound = OutboundMessage.objects.filter(filed_under).select_related("incident")
        return TranscriptSerializer({
            "inbound": inbound.order_by("received_at", "id"),
            "outbound": outbound.order_by("created_at", "id"),
        }).data


PERSONAL_DATA_ONLY = _("Only for users who may read personal data; absent otherwise.")


@extend_schema_serializer(component_name="IncidentDetail")
class IncidentDetailSchema(IncidentDetailSerializer):
    """Documentation only: the detail as the schema describes it, the personal data optional."""

    description = serializers.CharField(required=False, help_text=PERSONAL_DATA_ONLY)
    location_text = serializers.CharField(required=False, help_text=PERSONAL_DATA_ONLY)
    occurred_on_text = serializers.CharField(required=False, help_text=PERSONAL_DATA_ONLY)
    reporter = serializers.CharField(required=False, allow_null=True, help_text=PERSONAL_DATA_ONLY)
    transcript = TranscriptSerializer(required=False, help_text=PERSONAL_DATA_ONLY)

    class Meta(IncidentWithPersonalDataSerializer.Meta):
        read_only_fields = IncidentDetailSerializer.Meta.fields


class TransitionRequestSerializer(serializers.Serializer):
    to_status = IncidentStatusField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    severity = serializers.ChoiceField(
        choices=Incident.Severity.choices, required=False, allow_null=True, default=None,
        help_text=_("Needed to validate an incident that has none: 1 high, 2 medium, 3 low"),
    )
    merge_into = serializers.CharField(
        required=False, allow_blank=True, default="",
        help_text=_("For duplicate: the reference of the incident this one duplicates"),
    )

    def validate_merge_into(self, reference):
        reference = reference.strip().upper()
        if not reference:
            return None
        # Only among the incidents the user may see: the answer must not reveal that others exist.
        survivor = visible_incidents(self.context["request"].user).filter(reference=reference).first()
        if survivor is None:
            raise serializers.ValidationError(_("No incident you can see has the reference %(reference)s.")
                                              % {"reference": reference})
        return survivor


class FollowUpRequestSerializer(serializers.ModelSerializer):
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.none(),
        error_messages={"does_not_exist": _("You cannot record a follow-up for organisation {pk_value}.")},
        help_text=_("Id of the organisation that did it: yours, or any for the network's coordinators"),
    )

    class Meta:
        model = FollowUp
        fields = ["kind", "done_on", "organisation", "notes", "outcome"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["organisation"].queryset = organisations_for_follow_up(request.user)
