from django.urls import path

from indicators.api import IndicatorsApi

urlpatterns = [
    path("indicators/", IndicatorsApi.as_view(), name="api-indicators"),
]
