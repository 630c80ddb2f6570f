from django.urls import path

from madini.incidents import figures_views, views

app_name = "casework"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new/", views.enter_incident, name="enter"),
    path("audit/", views.audit_trail, name="audit"),
    path("export.csv", views.inbox_csv, name="export"),
    path("figures/", figures_views.network_figures, name="figures"),
    path("figures.xlsx", figures_views.network_figures_xlsx, name="figures-xlsx"),
    path("workshops/new/", figures_views.record_workshop, name="record-workshop"),
    path("<str:reference>/", views.incident_page, name="incident"),
    path("<str:reference>/transition/", views.transition, name="transition"),
    path("<str:reference>/correct/", views.correct, name="correct"),
    path("<str:reference>/follow-up/", views.follow_up, name="follow-up"),
    path("<str:reference>/reply/", views.reply, name="reply"),
    path("<str:reference>/publication/", views.publication, name="publication"),
]
