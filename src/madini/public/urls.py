from django.urls import path

from madini.public import views

app_name = "public"
urlpatterns = [
    path("", views.map_page, name="map"),
    path("map/sites.json", views.map_sites, name="map-sites"),
    path("map/summary/", views.map_summary, name="map-summary"),
    path("map/provinces.geojson", views.map_provinces, name="map-provinces"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("data/", views.open_data, name="data"),
]
