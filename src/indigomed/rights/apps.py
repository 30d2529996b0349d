from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "indigomed.rights"
    label = "rights"
    verbose_name = "Members' rights"
