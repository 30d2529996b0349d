from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "indigomed.notices"
    label = "notices"
    verbose_name = "Notices"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from indigomed.notices.asking import note_what_to_ask

        # Looked up once at sign-in, so pages pay nothing for it afterwards.
        user_logged_in.connect(note_what_to_ask, dispatch_uid="notices.note_what_to_ask")
