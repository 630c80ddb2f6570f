from rest_framework import serializers

from madini.sites.models import ArmedActorPresence, Site, Visit, VisitMineral


class VisitMineralSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="mineral.name")
    name_en = serializers.CharField(source="mineral.name_en")

    class Meta:
        model = VisitMineral
        fields = ["rank", "name", "name_en", "selling_points", "final_destination"]


class ArmedActorPresenceSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="actor.name", default="")

    class Meta:
        model = ArmedActorPresence
        fields = ["rank", "name", "actor_type", "frequency", *ArmedActorPresence.ACTIVITIES]


class VisitSerializer(serializers.ModelSerializer):
    minerals = VisitMineralSerializer(many=True)
    armed_actors = ArmedActorPresenceSerializer(many=True)
    state_services = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")

    class Meta:
        model = Visit
        fields = [
            "visit_date",
            "source",
            "project",
            "visited_on_site",
            "no_visit_reason",
            "workers",
            "access_dry_season",
            "access_wet_season",
            "is_3t_mine",
            "is_gold_mine",
            "minerals",
            "mercury",
            "armed_presence",
            "armed_interference",
            "armed_actors",
            "state_services",
            "mechanisation",
            "traceability",
            "qualification",
            "child_labour",
            "child_labour_activities",
            "women",
            "women_activities",
        ]


SITE_FIELDS = [
    "pcode",
    "name",
    "longitude",
    "latitude",
    "province",
    "territory",
    "collectivite",
    "groupement",
    "village",
    "location_origin",
    "last_visit_date",
    "outside_stated_province",
]


class SiteListSerializer(serializers.ModelSerializer):
    latest_visit = serializers.SerializerMethodField()

    class Meta:
        model = Site
        fields = [*SITE_FIELDS, "latest_visit"]

    def get_latest_visit(self, site) -> dict | None:
        latest = site.latest_visits[0] if site.latest_visits else None
        if latest is None:
            return None
        return {
            "visit_date": latest.visit_date,
            "workers": latest.workers,
            "minerals": [item.mineral.name for item in latest.minerals.all()],
            "armed_presence": latest.armed_presence,
            "mercury": latest.mercury,
            "child_labour": latest.child_labour,
            "qualification": latest.qualification,
        }


class SiteDetailSerializer(serializers.ModelSerializer):
    province_area = serializers.CharField(source="province_area.name", default=None)
    territory_area = serializers.CharField(source="territory_area.name", default=None)
    visits = VisitSerializer(many=True)

    class Meta:
        model = Site
        fields = [*SITE_FIELDS, "province_area", "territory_area", "visits"]
