"""What search keeps beside the directory to answer quickly: practitioners' names, folded."""

from __future__ import annotations

from django.db import models

from indigomed.search.text import MAX_TERM


class NameTerm(models.Model):
    """One way a practitioner's name is typed: a folded word of it ("lefevre" for "Lefèvre") or the
    beginning of one ("lef"). Search looks a typed word up here by equality, which an index answers
    the same way on SQLite and PostgreSQL; ``search.names`` keeps the rows in step with the names.
    """

    practitioner = models.ForeignKey(
        "directory.Practitioner", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    term = models.CharField(max_length=MAX_TERM)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["term", "practitioner"], name="name_term_once")]
        indexes = [models.Index(fields=["practitioner"], name="name_term_practitioner")]

    def __str__(self) -> str:
        return self.term
