from django.urls import path, re_path

from madini.public import incident_views, views

app_name = "public"
urlpatterns = [
    path("", views.map_page, name="map"),
    path("map/sites.json", views.map_sites, name="map-sites"),
    path("map/summary/", views.map_summary, name="map-summary"),
    path("map/provinces.geojson", views.map_provinces, name="map-provinces"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("data/", views.open_data, name="data"),
    path("dashboard/incidents/", incident_views.incidents_dashboard, name="incidents-dashboard"),
    path("dashboard/incidents/points.json", incident_views.incident_points, name="incident-points"),
    path("map/incidents.json", incident_views.site_incidents, name="site-incidents"),
    re_path(
        r"^data/incidents\.(?P<file_format>csv|xlsx|geojson)$",
        incident_views.download_incidents,
        name="download-incidents",
    ),
]
