"""Issue 12 (French throughout): an HCF admin reads Partners, its forms and its refusals in French."""

from __future__ import annotations

import pytest
from django.core import mail

from indigomed.messaging.delivery import deliver_until_idle
from indigomed.scheduling.models import AvailabilityRule
from tests.french import french_client


@pytest.fixture
def french(settings) -> None:
    settings.LANGUAGE_CODE = "fr"


def test_the_overview_and_a_practitioners_page_read_in_french(world, ny_admin, french) -> None:
    admin = french_client(ny_admin)
    overview = admin.get(f"/partners/{world.ny_clinic.pk}/").content.decode()
    assert "Vue d'ensemble" in overview and "Horaires hebdomadaires" in overview
    assert "Rendez-vous à déplacer" in overview
    assert "Weekly hours" not in overview and "Bookings to move" not in overview
    page = admin.get(f"/partners/{world.ny_clinic.pk}/practitioners/{world.heart_role.pk}/").content.decode()
    assert "Types de consultation" in page and "Ajouter un type de consultation" in page
    assert "Durée (minutes)" in page, "the form's labels are French too"


def test_a_refused_hour_is_explained_in_french_and_nothing_is_stored(world, ny_admin, french) -> None:
    admin = french_client(ny_admin)
    before = AvailabilityRule.objects.count()
    visit_type = world.heart_role.visit_types.first()
    page = admin.post(
        f"/partners/{world.ny_clinic.pk}/practitioners/{world.heart_role.pk}/hours",
        {"weekday": "0", "start_time": "25:00", "end_time": "10:00", "visit_type": visit_type.pk},
    )
    assert page.status_code == 400
    assert "Saisissez une heure de 00:00 à 23:59" in page.content.decode()
    assert AvailabilityRule.objects.count() == before


def test_a_bad_cut_off_is_refused_in_french(world, ny_admin, french) -> None:
    page = french_client(ny_admin).post(
        f"/partners/{world.ny_clinic.pk}/booking-rules", {"cancel_cutoff_hours": "-3", "reminder_offsets": ""}
    )
    assert "Le délai ne peut pas être négatif." in page.content.decode()


def test_an_invitation_sent_from_partners_in_french_is_written_in_french(world, ny_admin, french) -> None:
    sent = french_client(ny_admin).post(
        f"/partners/{world.ny_clinic.pk}/staff/invite",
        {"email": "sam.desk@example.test", "name": "Sam Desk", "role": "staff"},
    )
    assert sent.status_code == 302
    deliver_until_idle()
    invitation = next(m for m in mail.outbox if "sam.desk@example.test" in m.to)
    assert invitation.subject == "IndigoMed : une invitation à rejoindre un cabinet"
    assert "vous invite à rejoindre son équipe sur IndigoMed à l'accueil" in invitation.body
