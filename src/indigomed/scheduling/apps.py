from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "indigomed.scheduling"
    label = "scheduling"
    verbose_name = "Scheduling"
