"""Password rules after NIST SP 800-63B (SEC-1): no composition rules, but no password that is
predictable (repeated or sequential characters), made of words about the account or the service,
or on a list of common and breached passwords. Length depends on the account's second factor:
``LengthForSecondFactorValidator``."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from indigomed.records.services import own_sign_in_address
from indigomed.records.sign_in_keys import is_sign_in_key

SERVICE_WORDS = ("indigomed", "indigo med")
SHIPPED_LIST = Path(__file__).resolve().parent / "data" / "common-passphrases.txt"
# Runs of keys next to each other, as people type them; the alphabet and digits are sequences too.
SEQUENCES = ("abcdefghijklmnopqrstuvwxyz", "0123456789", "qwertyuiop", "asdfghjkl", "zxcvbnm", "azertyuiop")
# Shorter runs are ordinary in words ("abc", "rst", "ee").
MIN_RUN = 3
# Words about the account shorter than this ("al", "sam") would refuse too many good passwords.
MIN_CONTEXT_WORD = 4


def _plain(text: str) -> str:
    """Compared without case, spaces or punctuation, so ``Pass-Word`` cannot slip past ``password``."""
    return "".join(c for c in text.lower() if c.isalnum())


# The usual look-alike spellings ("indig0med", "p@ssw0rd") read as the letters they stand for.
LOOK_ALIKES = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"})


def _letters(text: str) -> str:
    return _plain(text.lower().translate(LOOK_ALIKES))


def _base(text: str) -> str:
    """The part a password repeats ("passwordpassword" is "password" twice), without digits around it."""
    core = text.strip("0123456789") or text
    for period in range(1, len(core) // 2 + 1):
        if len(core) % period == 0 and core[:period] * (len(core) // period) == core:
            return core[:period]
    return core


def _follows(a: str, b: str) -> bool:
    if a == b:
        return True
    return any(
        (i := seq.find(a)) >= 0 and ((i + 1 < len(seq) and seq[i + 1] == b) or (i > 0 and seq[i - 1] == b))
        for seq in SEQUENCES
    )


def _chars_in_runs(text: str) -> int:
    """How many characters are in runs of at least ``MIN_RUN`` repeated or sequential characters."""
    covered, start = 0, 0
    for i in range(1, len(text) + 1):
        if i == len(text) or not _follows(text[i - 1], text[i]):
            if i - start >= MIN_RUN:
                covered += i - start
            start = i
    return covered


class PredictablePasswordValidator:
    """Refuses ``aaaaaaaaaaaaaaa``, ``123456789012345``, ``abababab…``, ``qwertyuiop…``: too few
    different characters, or mostly runs of repeated or sequential ones."""

    message = gettext_lazy(
        "This password is made mostly of repeated or sequential characters (like “aaaa” or “1234”), "
        "which are easy to guess. Try a few unrelated words."
    )

    def __init__(self, min_distinct: int = 5) -> None:
        self.min_distinct = min_distinct

    def validate(self, password: str, user: Any = None) -> None:
        text = password.lower()
        if len(set(text)) < self.min_distinct or 2 * _chars_in_runs(text) >= len(text):
            raise ValidationError(self.message, code="password_predictable")

    def get_help_text(self) -> str:
        return _("Your password can't be mostly repeated or sequential characters.")


def words_about(user: Any) -> list[str]:
    """The words a password must not contain for this account: its address and name, when known.

    A user not yet saved (the sign-up form's) has none here: the form checks what was typed."""
    if user is None or not getattr(user, "pk", None):
        return []
    words = [getattr(user, "display_name", "") or ""]
    key = getattr(user, "email", "") or ""
    if is_sign_in_key(key):
        words.append(own_sign_in_address(key=key) or "")
    return [w for w in words if w]


def refuse_context_words(password: str, words: Iterable[str]) -> None:
    """``ValidationError`` when the password contains the service's name, or one of ``words`` (an
    address counts whole and by the parts of its name; a name by each of its words)."""
    plain = _letters(password)
    candidates: set[str] = set(SERVICE_WORDS)
    for word in words:
        local, _at, _domain = word.partition("@")
        candidates.update({word, local})
        for sep in ".-_+ ":
            local = local.replace(sep, " ")
        candidates.update(local.split())
    for candidate in candidates:
        if len(_letters(candidate)) >= MIN_CONTEXT_WORD and _letters(candidate) in plain:
            raise ValidationError(
                _("Your password can't contain your e-mail address, your name or “IndigoMed”."),
                code="password_context",
            )


class ContextWordsValidator:
    """NIST SP 800-63B context-specific words: the service's name, the account's address and name."""

    def validate(self, password: str, user: Any = None) -> None:
        refuse_context_words(password, words_about(user))

    def get_help_text(self) -> str:
        return _("Your password can't contain your e-mail address, your name or “IndigoMed”.")


@lru_cache(maxsize=1)
def _listed() -> frozenset[str]:
    entries = {_plain(entry) for entry in CommonPasswordValidator().passwords}
    lines = SHIPPED_LIST.read_text(encoding="utf-8").splitlines()
    entries.update(_plain(line) for line in lines if not line.startswith("#"))
    entries.discard("")
    return frozenset(entries)


class ListedPasswordValidator:
    """Common and breached passwords: Django's list and IndigoMed's list of long passphrases."""

    def validate(self, password: str, user: Any = None) -> None:
        listed = _listed()
        plain = _plain(password)
        if plain in listed or _base(plain) in listed or _base(_letters(password)) in listed:
            raise ValidationError(
                _("This password is on a list of common or leaked passwords. Please choose another."),
                code="password_listed",
            )

    def get_help_text(self) -> str:
        return _("Your password can't be a commonly used or leaked password.")


class LengthForSecondFactorValidator:
    """NIST SP 800-63B 3.1.1.2: at least 15 characters when the password is the only factor, at
    least 8 when the account also has a second factor, and up to 64 (no composition rules).

    Checked when a password is chosen, against the factors the account has then: signing up has
    none yet (15); changing or resetting it with an authenticator app or a passkey, 8. Turning off
    the last second factor asks for the password and refuses a short one (``second_factor``)."""

    def __init__(self, without_second_factor: int = 15, with_second_factor: int = 8, maximum: int = 64) -> None:
        self.without_second_factor = without_second_factor
        self.with_second_factor = with_second_factor
        self.maximum = maximum

    def minimum_for(self, user: Any) -> int:
        from indigomed.accounts.second_factor import has_second_factor

        return self.with_second_factor if has_second_factor(user) else self.without_second_factor

    def validate(self, password: str, user: Any = None) -> None:
        minimum = self.minimum_for(user)
        if len(password) < minimum:
            message = ngettext(
                "This password is too short. It must contain at least %(min_length)d character.",
                "This password is too short. It must contain at least %(min_length)d characters.",
                minimum,
            )
            if minimum < self.without_second_factor:
                message += " " + gettext("(Your second factor allows a shorter one.)")
            raise ValidationError(message, code="password_too_short", params={"min_length": minimum})
        if len(password) > self.maximum:
            raise ValidationError(
                gettext("This password is too long. It can have at most %(max_length)d characters."),
                code="password_too_long",
                params={"max_length": self.maximum},
            )

    def get_help_text(self) -> str:
        return gettext(
            "Your password must contain at least %(without)d characters (%(with)d with a second factor), "
            "and at most %(maximum)d."
        ) % {"without": self.without_second_factor, "with": self.with_second_factor, "maximum": self.maximum}
