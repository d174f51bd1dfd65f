"""GET /api/v1/indicators/?county=&from=&to= — coordinators (own county) and national staff."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from indicators import definitions as d
from indicators.access import dashboard_access, indicator_county
from indicators.measures import Indicator
from indicators.periods import period_from_dates, period_problem
from indicators.selectors import default_period
from indicators.snapshots import snapshot_for
from indicators.values import Share


class IndicatorQuerySerializer(serializers.Serializer):
    county = serializers.CharField(required=False, max_length=2)

    def get_fields(self):
        fields = super().get_fields()
        # "from" is a Python keyword, so the fields are added by name.
        fields["from"] = serializers.DateField(required=False)
        fields["to"] = serializers.DateField(required=False)
        return fields

    def validate(self, attrs):
        start, end = attrs.get("from"), attrs.get("to")
        problem = period_problem(start, end)
        if problem is not None:
            raise serializers.ValidationError({problem.field: str(problem.message)})
        attrs["period"] = period_from_dates(start, end) if start else default_period()
        return attrs


class IndicatorValueSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    group = serializers.CharField()
    unit = serializers.CharField()
    value = serializers.FloatField(
        allow_null=True, help_text="Share 0–1, count, or hours; null if missing or too few."
    )
    numerator = serializers.IntegerField(allow_null=True)
    denominator = serializers.IntegerField(allow_null=True)
    too_few_answers = serializers.BooleanField()
    goal = serializers.FloatField(allow_null=True)


class IndicatorResultSerializer(serializers.Serializer):
    county = serializers.CharField(allow_null=True, help_text="County code; null = whole country.")
    county_name = serializers.CharField(allow_null=True)
    start = serializers.DateField(source="period.start")
    end = serializers.DateField(source="period.end")
    computed_at = serializers.DateTimeField(help_text="When the figures were computed.")
    indicators = IndicatorValueSerializer(many=True)


def _item(ind: Indicator, value) -> dict:
    item = {
        "key": ind.key,
        "label": str(ind.label),
        "group": str(ind.group),
        "unit": str(ind.unit),
        "value": value,
        "numerator": None,
        "denominator": None,
        "too_few_answers": False,
        "goal": ind.goal,
    }
    if isinstance(value, Share):
        item.update(
            value=None if value.ratio is None else round(value.ratio, 4),
            too_few_answers=value.too_few,
            # Suppressed cells do not reveal their small counts either.
            numerator=None if value.too_few else value.numerator,
            denominator=None if value.too_few else value.denominator,
        )
    return item


class IndicatorsApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("county", OpenApiTypes.STR, description="County code, e.g. 12"),
            OpenApiParameter("from", OpenApiTypes.DATE, description="First day (inclusive)"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Last day (inclusive)"),
        ],
        responses=IndicatorResultSerializer,
        description="All indicators for a county or (national staff) the whole country. "
        "Coordinators get their own county; another county answers 404.",
    )
    def get(self, request):
        # Outsiders get 404 before their query is looked at: no hint the endpoint is for staff.
        access = dashboard_access(request.scope)
        query = IndicatorQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        county = indicator_county(access, query.validated_data.get("county"))
        period = query.validated_data["period"]
        snapshot = snapshot_for(period)
        values = snapshot.values(county.code if county else None)
        result = {
            "computed_at": snapshot.computed_at,
            "county": county.code if county else None,
            "county_name": county.name if county else None,
            "period": period,
            "indicators": [_item(ind, values[ind.key]) for ind in d.INDICATORS],
        }
        return Response(IndicatorResultSerializer(result).data)
