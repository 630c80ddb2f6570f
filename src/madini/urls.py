from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from madini.sites.urls import api_urlpatterns, data_urlpatterns

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include(api_urlpatterns)),
    path("api/", include("madini.sms.api_urls")),
    path("api/", include("madini.incidents.api_urls")),
    path("data/", include(data_urlpatterns)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("sms/", include("madini.sms.urls")),
    path("cases/", include("madini.incidents.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("madini.public.urls")),
]
