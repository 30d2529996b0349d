"""Authorizations' words, signature and sensitive tags become sealed under the member's data key.

The sealed columns are added beside the clear ones, filled from them, and then take their place.
"""

import json

from django.db import migrations, models

SEALED = ("tags", "information", "signed_name")


def seal_existing(apps, schema_editor):
    # The vault works on the current key table (records' migrations have run: see dependencies).
    from indigomed.records.vault import Vault

    Authorization = apps.get_model("privacy", "Authorization")
    for authorization in Authorization.objects.all().iterator():
        vault = Vault.create_for(authorization.member_id)
        clear = {
            "tags": json.dumps(sorted(authorization.tags or [])),
            "information": authorization.information,
            "signed_name": authorization.signed_name,
        }
        for field in SEALED:
            # Bound to the table and the field they end up in, so the vault opens them later.
            setattr(authorization, f"{field}_sealed", vault.seal(Authorization, field, clear[field]))
        authorization.save(update_fields=[f"{field}_sealed" for field in SEALED])


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0004_transfer_notices"),
        ("records", "0005_address_change_pending"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="authorization", name="authorization_is_signed"),
        *[
            migrations.AddField(model_name="authorization", name=f"{field}_sealed", field=models.BinaryField(null=True))
            for field in SEALED
        ],
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
        *[migrations.RemoveField(model_name="authorization", name=field) for field in SEALED],
        *[
            migrations.RenameField(model_name="authorization", old_name=f"{field}_sealed", new_name=field)
            for field in SEALED
        ],
        migrations.AlterField(
            model_name="authorization",
            name="tags",
            field=models.BinaryField(help_text="Sealed JSON list of the sensitive tags the member consents to share"),
        ),
        migrations.AlterField(
            model_name="authorization",
            name="information",
            field=models.BinaryField(help_text="Sealed: what information, in the member's words"),
        ),
        migrations.AlterField(
            model_name="authorization",
            name="signed_name",
            field=models.BinaryField(help_text="Sealed: the full name the member typed to sign"),
        ),
        migrations.AddConstraint(
            model_name="authorization",
            constraint=models.CheckConstraint(
                condition=models.Q(("signed_name__isnull", False)), name="authorization_is_signed"
            ),
        ),
    ]
