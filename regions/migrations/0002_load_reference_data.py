from django.db import migrations


def load(apps, schema_editor):
    from regions.reference import load_reference_data

    load_reference_data(
        apps.get_model("regions", "County"),
        apps.get_model("regions", "Municipality"),
        apps.get_model("regions", "PostalCode"),
        apps.get_model("regions", "Topic"),
        apps.get_model("regions", "ActorType"),
    )


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
