from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "indigomed.records"
    label = "records"
    verbose_name = "Records"
