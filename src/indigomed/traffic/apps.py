from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class TrafficConfig(AppConfig):
    name = "indigomed.traffic"
    label = "traffic"
    verbose_name = "Traffic data"

    def ready(self) -> None:
        # A retention the policy file states wrongly must stop the platform, as the rest of it does.
        from indigomed.errors import PolicyError
        from indigomed.traffic.retention import retention

        try:
            retention()
        except PolicyError as exc:
            raise ImproperlyConfigured(f"Privacy policy: {exc.message}") from exc
