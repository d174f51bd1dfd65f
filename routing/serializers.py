"""API input and output shapes for questions and reference lists.

Input validation calls the same functions as the web form (routing.validation).
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import cached_property
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from regions.models import Topic
from routing import validation
from routing.catalogue import CatalogueSnapshot, catalogue
from routing.company_view import (
    alternatives_by_actor,
    case_status_url,
    public_event_value,
    public_events,
    reason_for_company,
)
from routing.models import Case


class TopicField(serializers.SlugRelatedField):
    """A topic by code, looked up in the process's catalogue snapshot; an unknown code falls
    back to the queryset, which also gives DRF's own error."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            snapshot = getattr(self.parent, "catalogue", None) or catalogue()
            topic = snapshot.topic(data)
            if topic is not None:
                return topic
        return super().to_internal_value(data)


class QuestionInputSerializer(serializers.Serializer):
    company_name = serializers.CharField(max_length=200)
    org_number = serializers.CharField(
        max_length=20, help_text="Organisationsnummer (or a sole trader's personnummer)."
    )
    contact_name = serializers.CharField(max_length=200)
    email = serializers.EmailField(max_length=254)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    postal_code = serializers.CharField(
        max_length=10, required=False, allow_blank=True, default="",
        help_text='"12345" or "123 45". Required unless municipality_code is given.',
    )  # fmt: skip
    municipality_code = serializers.CharField(
        max_length=4, required=False, allow_blank=True, allow_null=True, default=None,
        help_text="Four-digit SCB code; wins over postal_code.",
    )  # fmt: skip
    topic = TopicField(
        slug_field="code", queryset=Topic.objects.all(), required=False, allow_null=True,
        default=None,
    )  # fmt: skip
    question = serializers.CharField(max_length=validation.QUESTION_MAX_LENGTH)
    target_countries = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, default=list,
        help_text="ISO 3166-1 alpha-2 codes, or country names in Swedish or English; "
        "stored as codes.",
    )  # fmt: skip
    employees = serializers.ChoiceField(
        choices=Case.EmployeeBand.choices, required=False, allow_blank=True, default=""
    )
    export_experience = serializers.ChoiceField(
        choices=Case.ExportExperience.choices, required=False, allow_blank=True, default=""
    )
    language = serializers.ChoiceField(choices=[("sv", "sv"), ("en", "en")])
    consent = serializers.BooleanField()
    website = serializers.CharField(
        required=False, allow_blank=True, default="", write_only=True,
        help_text="Leave empty.",
    )  # fmt: skip

    @cached_property
    def catalogue(self) -> CatalogueSnapshot:
        """The process's catalogue snapshot, read once per request (one version check)."""
        return catalogue()

    def validate_org_number(self, value: str) -> validation.OrgNumber:
        return validation.clean_org_number(value)

    def validate_postal_code(self, value: str) -> str:
        return validation.clean_postal_code(value)

    def validate_target_countries(self, value: list[str]) -> list[str]:
        return validation.clean_target_countries(value)

    def validate_consent(self, value: bool) -> bool:
        return validation.clean_consent(value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        validation.clean_honeypot(attrs.get("website"))
        attrs["municipality"] = validation.resolve_municipality(
            postal_code=attrs.get("postal_code") or "",
            municipality_code=attrs.get("municipality_code") or None,
            snapshot=self.catalogue,
        )
        return attrs

    def question_data(self):
        data = dict(self.validated_data)
        return validation.question_data(
            data, org=data["org_number"], municipality=data["municipality"]
        )


class CodeNameSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class CountyRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ActorRefSerializer(serializers.Serializer):
    code = serializers.CharField(source="actor_type_id", help_text="Actor type, e.g. almi.")
    name = serializers.CharField()


class OfficeRefSerializer(serializers.Serializer):
    name = serializers.CharField()


class ServiceRefSerializer(serializers.Serializer):
    title = serializers.CharField(help_text="In Swedish.")
    title_en = serializers.CharField(
        allow_blank=True, help_text="In English; empty where the catalogue has no English title."
    )
    url = serializers.CharField(allow_blank=True)


class AlternativeOfficeSerializer(serializers.Serializer):
    name = serializers.CharField()
    email = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)


class AlternativeSerializer(serializers.Serializer):
    """A ``routing.decision.Alternative``: another actor offering similar services."""

    actor = serializers.SerializerMethodField()
    services = ServiceRefSerializer(many=True)
    office = AlternativeOfficeSerializer(allow_null=True)

    @extend_schema_field(CodeNameSerializer())
    def get_actor(self, alternative) -> dict:
        return {"code": alternative.actor_code, "name": alternative.actor_name}


class QuestionReceiptSerializer(serializers.Serializer):
    """The 201 answer to a filed question."""

    reference = serializers.CharField()
    status = serializers.CharField()
    county = CountyRefSerializer()
    assigned_actor = ActorRefSerializer(allow_null=True)
    office = OfficeRefSerializer(allow_null=True)
    deadline = serializers.DateTimeField(source="deadline_at", help_text="ISO 8601 with offset.")
    alternatives = serializers.SerializerMethodField()
    explanation = serializers.SerializerMethodField()
    status_url = serializers.SerializerMethodField()

    @extend_schema_field(AlternativeSerializer(many=True))
    def get_alternatives(self, case: Case) -> list[dict]:
        return AlternativeSerializer(alternatives_by_actor(case), many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_explanation(self, case: Case) -> list[str]:
        """One plain sentence on why this actor (a list, as before: scoring stays internal)."""
        reason = reason_for_company(case, case.language)
        return [reason] if reason else []

    def get_status_url(self, case: Case) -> str:
        return case_status_url(case)


class HistoryItemSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    # Only values the company may see (office names, the reference): never its own address.
    to_value = serializers.SerializerMethodField()

    def get_to_value(self, event) -> str:
        return public_event_value(event)


class QuestionStatusSerializer(QuestionReceiptSerializer):
    """What the company's status link shows, as JSON."""

    status_display = serializers.CharField(source="get_status_display")
    created_at = serializers.DateTimeField()
    first_contact_at = serializers.DateTimeField(allow_null=True)
    history = serializers.SerializerMethodField()

    @extend_schema_field(HistoryItemSerializer(many=True))
    def get_history(self, case: Case) -> list[dict]:
        return HistoryItemSerializer(public_events(case), many=True).data


class TopicSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Topic
        fields = ["code", "name", "name_sv", "name_en"]


class CountySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    short_name = serializers.CharField()
    slug = serializers.CharField()


class ActorTypeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    is_core_partner = serializers.BooleanField()


class ValidationErrorSerializer(serializers.Serializer):
    """400: ``{field: [messages]}``; errors not tied to one field under non_field_errors."""

    non_field_errors = serializers.ListField(child=serializers.CharField(), required=False)
