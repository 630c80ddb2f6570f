"""Staff API of incidents (madini.incidents.api)."""

from rest_framework.routers import SimpleRouter

from madini.incidents.api import IncidentViewSet

router = SimpleRouter()
router.register("incidents", IncidentViewSet, basename="incident")

urlpatterns = router.urls
