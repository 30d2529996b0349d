from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "indigomed.directory"
    label = "directory"
    verbose_name = "Directory"
