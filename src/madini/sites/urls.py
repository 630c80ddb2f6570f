from django.urls import re_path
from rest_framework.routers import SimpleRouter

from madini.sites import views
from madini.sites.api import SiteViewSet

router = SimpleRouter()
router.register("sites", SiteViewSet, basename="site")

api_urlpatterns = router.urls
data_urlpatterns = [
    re_path(r"^sites\.(?P<file_format>csv|xlsx|geojson)$", views.download_sites, name="download-sites"),
]
