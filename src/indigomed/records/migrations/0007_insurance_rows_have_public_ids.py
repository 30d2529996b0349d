"""Each insurance row a member keeps gets a public id, so their pages can name one to edit or
remove without putting a counting row number in a URL (PI-4)."""

import uuid

from django.db import migrations, models


def give_public_ids(apps, schema_editor):
    InsuranceData = apps.get_model("records", "InsuranceData")
    for row in InsuranceData.objects.filter(public_id__isnull=True).only("pk"):
        InsuranceData.objects.filter(pk=row.pk).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0006_contact_preferences"),
    ]

    operations = [
        migrations.AddField(
            model_name="insurancedata",
            name="public_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(give_public_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="insurancedata",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
