from django.urls import path

from madini.sms import views

app_name = "sms"

urlpatterns = [
    path("<uuid:channel_uuid>/receive", views.receive, name="receive"),
    path("<uuid:channel_uuid>/status", views.status, name="status"),
]
