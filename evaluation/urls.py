from django.urls import path

from evaluation import views

urlpatterns = [
    path("nationellt/forsok/", views.experiment_list, name="experiment-list"),
    path("nationellt/forsok/nytt/", views.experiment_create, name="experiment-create"),
    path("nationellt/forsok/styrka/", views.power, name="experiment-power"),
    path("nationellt/forsok/<int:pk>/", views.experiment_detail, name="experiment-detail"),
    path(
        "nationellt/forsok/<int:pk>/tilldelning/",
        views.assignment_run,
        name="experiment-assignment-run",
    ),
    path("nationellt/forsok/<int:pk>/balans/", views.balance, name="experiment-balance"),
    path("nationellt/forsok/<int:pk>/effekter/", views.estimates, name="experiment-estimates"),
    path("nationellt/forsok/<int:pk>/panel.csv", views.panel_export, name="experiment-panel"),
]
