from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "indigomed.messaging"
    label = "messaging"
    verbose_name = "Messaging"
