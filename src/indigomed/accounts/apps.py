from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "indigomed.accounts"
    label = "accounts"
    verbose_name = "Accounts"
