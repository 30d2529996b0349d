"""Legal demands' documents are sealed under the member's data key (by the privacy office's code;
the documents recorded before are sealed by privacy's migration 0006)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("security", "0002_legal_demands"),
    ]

    operations = [
        migrations.AddField(
            model_name="legaldemand",
            name="document_type",
            field=models.CharField(default="application/octet-stream", max_length=100),
        ),
    ]
