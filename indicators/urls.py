from django.urls import path, re_path

from indicators import views

urlpatterns = [
    path("nationellt/", views.national_dashboard, name="national-dashboard"),
    path("samordnare/indikatorer/", views.coordinator_dashboard, name="coordinator-dashboard"),
    path("indikatorer/lan/<str:code>/", views.county_dashboard, name="county-dashboard"),
]
urlpatterns += [
    re_path(
        r"^indikatorer/export\.(?P<fmt>csv|xlsx)$", views.indicator_export, name="indicator-export"
    ),
    path("indikatorer/foretagspanel.csv", views.panel_export, name="panel-export"),
]
urlpatterns += [
    path("aktiviteter/", views.activity_list, name="activity-list"),
    path("aktiviteter/ny/", views.activity_create, name="activity-create"),
    path("aktiviteter/<int:pk>/", views.activity_detail, name="activity-detail"),
    path("aktiviteter/<int:pk>/andra/", views.activity_edit, name="activity-edit"),
    path("aktiviteter/<int:pk>/stall-in/", views.activity_cancel, name="activity-cancel"),
    path("uppfoljning/<str:token>/", views.survey_answer, name="survey-answer"),
    path(
        "nationellt/tillganglighetsmatning/",
        views.mystery_shopper_report,
        name="mystery-shopper-report",
    ),
    path(
        "nationellt/tillganglighetsmatning/ny/",
        views.mystery_shopper_create,
        name="mystery-shopper-create",
    ),
]
