from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "indigomed.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from allauth.account.signals import email_confirmed, email_removed

        from indigomed.accounts import address_change

        email_confirmed.connect(address_change.adopt_confirmed_address, dispatch_uid="indigomed.adopt_address")
        email_removed.connect(address_change.forget_cancelled_address, dispatch_uid="indigomed.forget_address")
        from indigomed.accounts import lost_contact

        # After the address is adopted (connected above): e-mail resumes to the new address (SEC-4).
        email_confirmed.connect(lost_contact.address_confirmed, dispatch_uid="indigomed.lost_contact_resolved")
        from indigomed.accounts import sessions

        sessions.connect()
        from indigomed.web import language

        language.connect()
        from indigomed.accounts import second_factor

        second_factor.connect()
