"""API views for questions and reference lists: parse, call one service, serialise."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from regions.models import ActorType, County, Topic
from routing.access import company_filing_as
from routing.company_view import case_from_status_token
from routing.intake import case_create
from routing.limits import PublicAnonThrottle, QuestionThrottle
from routing.models import Case
from routing.serializers import (
    ActorTypeSerializer,
    CountySerializer,
    QuestionInputSerializer,
    QuestionReceiptSerializer,
    QuestionStatusSerializer,
    TopicSerializer,
    ValidationErrorSerializer,
)


class QuestionCreateApi(APIView):
    """File a question, exactly as the web form does (same validation, same service)."""

    permission_classes = [AllowAny]
    throttle_classes = [QuestionThrottle]
    throttle_scope = "questions"

    @extend_schema(
        operation_id="questions_create",
        request=QuestionInputSerializer,
        responses={
            201: QuestionReceiptSerializer,
            400: OpenApiResponse(ValidationErrorSerializer, description="{field: [messages]}"),
            429: OpenApiResponse(description="Too many questions from this address."),
        },
        tags=["questions"],
    )
    def post(self, request: Request) -> Response:
        serializer = QuestionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = case_create(
            data=serializer.question_data(),
            company_user=company_filing_as(request.scope, request.user),
            snapshot=serializer.catalogue,
            channel=Case.IntakeChannel.API,
        )
        body = QuestionReceiptSerializer(case, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class QuestionStatusApi(APIView):
    """The company's view of its question; the token from the status link is the credential."""

    permission_classes = [AllowAny]
    throttle_classes = [PublicAnonThrottle]

    @extend_schema(
        operation_id="questions_status",
        parameters=[
            OpenApiParameter(
                "token",
                str,
                OpenApiParameter.QUERY,
                required=True,
                description="The signed token of the status link.",
            ),
        ],  # fmt: skip
        responses={200: QuestionStatusSerializer, 404: OpenApiResponse(description="Not found")},
        tags=["questions"],
    )
    def get(self, request: Request, reference: str) -> Response:
        case = case_from_status_token(request.query_params.get("token", ""))
        # A wrong token and a wrong reference look the same: no enumeration.
        if case is None or case.reference != reference:
            raise NotFound
        return Response(QuestionStatusSerializer(case, context={"request": request}).data)


@extend_schema(tags=["reference data"])
class TopicListApi(generics.ListAPIView):
    permission_classes = [AllowAny]
    pagination_class = None
    serializer_class = TopicSerializer
    queryset = Topic.objects.all()


@extend_schema(tags=["reference data"])
class CountyListApi(generics.ListAPIView):
    permission_classes = [AllowAny]
    pagination_class = None
    serializer_class = CountySerializer
    queryset = County.objects.all()


@extend_schema(tags=["reference data"])
class ActorListApi(generics.ListAPIView):
    """Actor types (almi, business_sweden, een, ekn, tillvaxtverket, region and partners)."""

    permission_classes = [AllowAny]
    pagination_class = None
    serializer_class = ActorTypeSerializer
    queryset = ActorType.objects.all()
