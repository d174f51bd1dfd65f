from django.core.management import call_command

from regions.models import ActorType, County, Municipality, PostalCode, Topic


def test_migration_loads_every_county_municipality_and_postal_code(db):
    assert County.objects.count() == 21
    assert Municipality.objects.count() == 290
    assert PostalCode.objects.count() == 15463
    assert County.objects.get(code="01").name == "Stockholms län"
    assert County.objects.get(code="20").slug == "dalarna"
    assert County.objects.get(code="14").slug == "vastra-gotaland"
    # Codes are strings with their leading zeros.
    assert Municipality.objects.get(code="0180").county_id == "01"
    assert PostalCode.objects.get(code="10004").municipality_id == "0180"


def test_every_municipality_code_starts_with_its_county_code(db):
    mismatched = [m.code for m in Municipality.objects.all() if not m.code.startswith(m.county_id)]
    assert mismatched == []


def test_reference_load_is_idempotent(db):
    call_command("load_reference_data")
    call_command("load_reference_data")
    assert County.objects.count() == 21
    assert PostalCode.objects.count() == 15463
    assert set(ActorType.objects.values_list("code", flat=True)) >= {
        "almi",
        "business_sweden",
        "een",
        "ekn",
        "tillvaxtverket",
        "region",
        "chamber_of_commerce",
        "sek",
        "prv",
    }
    assert Topic.objects.filter(code="unknown").exists()
