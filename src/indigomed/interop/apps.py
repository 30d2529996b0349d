from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class InteropConfig(AppConfig):
    name = "indigomed.interop"
    label = "interop"
    verbose_name = "Copies and exports"

    def ready(self) -> None:
        # What a copy costs is read from the policy file: a wrong line must stop the platform too.
        from indigomed.errors import PolicyError
        from indigomed.privacy.copy_fees import copy_fee_rules

        try:
            copy_fee_rules()
        except PolicyError as exc:
            raise ImproperlyConfigured(f"Privacy policy: {exc.message}") from exc
