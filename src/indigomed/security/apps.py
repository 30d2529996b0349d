from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "indigomed.security"
    label = "security"
    verbose_name = "Security"
