"""The documents of legal demands recorded before they were sealed are sealed now, under the
member's data key, and their clear copies deleted. Here rather than in ``security``, because only
privacy (and records) may touch the member's keys."""

from django.core.files.base import ContentFile
from django.db import migrations


def seal_recorded_documents(apps, schema_editor):
    # The vault works on the current key table (records' migrations have run: see dependencies).
    from indigomed.records.vault import Vault

    LegalDemand = apps.get_model("security", "LegalDemand")
    for demand in LegalDemand.objects.all().iterator():
        clear_name = demand.document.name
        if clear_name.endswith(".sealed"):
            continue
        with demand.document.open("rb") as stored:
            content = stored.read()
        sealed = Vault.create_for(demand.member_id).seal_document(LegalDemand, "document", content)
        demand.document.save(f"{demand.public_id}.sealed", ContentFile(sealed), save=True)
        demand.document.storage.delete(clear_name)


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0005_authorization_sealed"),
        ("security", "0003_legal_demand_document_sealed"),
        ("records", "0005_address_change_pending"),
    ]

    operations = [migrations.RunPython(seal_recorded_documents, migrations.RunPython.noop)]
