from rest_framework.routers import SimpleRouter

from madini.sms.api import MineralPriceViewSet

router = SimpleRouter()
router.register("mineral-prices", MineralPriceViewSet, basename="mineral-price")

urlpatterns = router.urls
