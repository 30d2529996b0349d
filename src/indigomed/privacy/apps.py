from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class PrivacyConfig(AppConfig):
    name = "indigomed.privacy"
    label = "privacy"
    verbose_name = "Privacy"

    def ready(self) -> None:
        # A platform whose policy file is wrong must not start: it would decide on guesses.
        from indigomed.privacy.errors import PolicyError
        from indigomed.privacy.policy import current_policy

        try:
            current_policy()
        except PolicyError as exc:
            raise ImproperlyConfigured(f"Privacy policy: {exc.message}") from exc
