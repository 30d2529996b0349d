from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "indigomed.demo"
    label = "demo"
    verbose_name = "Demo data"
