"""Issue 12 (French throughout): how we contact a member, and the office's waiting messages, in French."""

from __future__ import annotations

from indigomed.accounts.models import PrivacyOfficer
from tests.conftest import make_user
from tests.french import french_client


def test_the_contact_page_and_the_office_messages_read_in_french(world, settings) -> None:
    settings.LANGUAGE_CODE = "fr"
    contact = french_client(world.member).get("/me/contact/").content.decode()
    assert "Comment nous vous contactons" in contact and "Vous pouvez m&#x27;écrire par" in contact
    officer = make_user("office.reader@example.test")
    PrivacyOfficer.objects.create(user=officer)
    waiting = french_client(officer).get("/office/messages/").content.decode()
    assert "Messages en attente auprès du bureau" in waiting


def test_refusing_every_channel_is_explained_in_french(world, settings) -> None:
    settings.LANGUAGE_CODE = "fr"
    page = french_client(world.member).post("/me/contact/", {"country": "US"})
    assert "Choisissez au moins un moyen par lequel nous pouvons vous écrire." in page.content.decode()
