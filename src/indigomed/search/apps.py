from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "indigomed.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from indigomed.search import names

        names.keep_index()
