"""Two checkpoints can never share a predecessor: the checkpoint chain cannot fork (LEDGER-1).

A plain unique index, on both databases: Django would add the constraint on SQLite by rebuilding
the table, which would drop the triggers that keep checkpoints append-only (0002).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0006_legal_demand_documents_sealed"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddConstraint(
                    model_name="ledgercheckpoint",
                    constraint=models.UniqueConstraint(fields=("prev_hash",), name="checkpoint_chain_never_forks"),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    "CREATE UNIQUE INDEX checkpoint_chain_never_forks ON privacy_ledgercheckpoint (prev_hash)",
                    "DROP INDEX checkpoint_chain_never_forks",
                ),
            ],
        ),
    ]
