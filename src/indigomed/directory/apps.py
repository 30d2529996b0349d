from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "indigomed.directory"
    label = "directory"
    verbose_name = "Directory"

    def ready(self) -> None:
        from indigomed.directory import reference

        reference.follow_changes()
