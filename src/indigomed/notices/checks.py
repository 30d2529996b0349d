"""What ``check_notice`` says of the published texts: a number typed into a current notice or
Terms that the policy file does not hold, or a placeholder that names nothing."""

from __future__ import annotations

from indigomed.notices.models import NoticeVersion
from indigomed.notices.queries import current_version
from indigomed.notices.text import stated_numbers, unknown_placeholders
from indigomed.privacy.policy import Policy


def text_problems(policy: Policy) -> list[str]:
    """One line per problem in the current versions' texts, in both languages."""
    found = []
    for kind in NoticeVersion.Kind:
        version = current_version(kind)
        if version is None:
            continue
        for language, text in (("en", version.body_en), ("fr", version.body_fr)):
            where = f"{kind.label} v{version.number} ({language})"
            for stated in stated_numbers(text, policy):
                if not stated.matches_policy:
                    found.append(
                        f"{where} states {stated.phrase!r}: the policy file holds no {stated.number} "
                        f"{stated.unit}; write the placeholder of the number it means"
                    )
            for name in unknown_placeholders(text):
                found.append(f"{where} has an unknown placeholder {name}")
    return found
