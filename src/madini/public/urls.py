from django.urls import path

from madini.public import views

app_name = "public"
urlpatterns = [
    path("", views.map_page, name="map"),
]
