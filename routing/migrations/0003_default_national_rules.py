"""Load the default national routing rules (routing.default_rules) as RoutingRule rows.

Idempotent by rule name: a national rule that already exists under the same name is left as
it is (it may have been edited in the portal since). Reversing removes the national rules
that carry a default name.
"""

from django.db import migrations


def load_defaults(apps, schema_editor):
    from routing.default_rules import DEFAULT_NATIONAL_RULES

    RoutingRule = apps.get_model("routing", "RoutingRule")
    ActorType = apps.get_model("regions", "ActorType")
    known_types = set(ActorType.objects.values_list("code", flat=True))
    existing = set(
        RoutingRule.objects.filter(county__isnull=True).values_list("name", flat=True)
    )
    rows = []
    for data in DEFAULT_NATIONAL_RULES:
        if data["name"] in existing or data["actor_type"] not in known_types:
            continue
        rows.append(
            RoutingRule(
                name=data["name"],
                county=None,
                priority=data["priority"],
                active=True,
                topics=list(data["topics"]),
                keywords=list(data["keywords"]),
                market_groups=list(data["market_groups"]),
                countries=list(data["countries"]),
                employee_bands=list(data["employee_bands"]),
                export_experience=list(data["export_experience"]),
                actor_type_id=data["actor_type"],
                weight=data["weight"],
            )
        )
    RoutingRule.objects.bulk_create(rows)


def remove_defaults(apps, schema_editor):
    from routing.default_rules import DEFAULT_NATIONAL_RULES

    RoutingRule = apps.get_model("routing", "RoutingRule")
    RoutingRule.objects.filter(
        county__isnull=True, name__in=[d["name"] for d in DEFAULT_NATIONAL_RULES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("regions", "0002_load_reference_data"),
        ("routing", "0002_casereferencecounter_sweeprun_examplequestion_and_more"),
    ]

    operations = [migrations.RunPython(load_defaults, remove_defaults)]
