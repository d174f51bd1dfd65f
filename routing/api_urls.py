from __future__ import annotations

from django.urls import path

from routing import api

urlpatterns = [
    path("questions/", api.QuestionCreateApi.as_view(), name="api-question-create"),
    path("questions/<str:reference>/", api.QuestionStatusApi.as_view(), name="api-question-status"),
    path("topics/", api.TopicListApi.as_view(), name="api-topics"),
    path("counties/", api.CountyListApi.as_view(), name="api-counties"),
    path("actors/", api.ActorListApi.as_view(), name="api-actors"),
]
