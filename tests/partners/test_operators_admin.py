"""Django's admin registers the directory for IndigoMed's operators, never a model of personal
information, and an operator's change is an audit event like any other."""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin
from django.test import Client

from indigomed.directory.models import Facility
from tests.conftest import make_user
from tests.partners.conftest import events

# Where personal information lives: members' sealed data, their messages, ledgers and logs.
PERSONAL_ROOMS = {"records", "privacy", "messaging", "security", "accounts"}


def test_the_admin_registers_the_directory_and_nothing_personal() -> None:
    registered = {model._meta.app_label for model in admin.site._registry}
    assert "directory" in registered
    assert not registered & PERSONAL_ROOMS
    directory = {m for m in apps.get_app_config("directory").get_models()}
    assert directory <= set(admin.site._registry)


def test_an_operator_browses_every_directory_list_and_a_change_is_an_event(world) -> None:
    operator = make_user("olive.operator@example.test")
    operator.is_staff = operator.is_superuser = True
    operator.save(update_fields=["is_staff", "is_superuser"])
    client = Client()
    client.force_login(operator)
    for model in apps.get_app_config("directory").get_models():
        listing = client.get(f"/admin/directory/{model._meta.model_name}/")
        assert listing.status_code == 200, model
    page = client.get(f"/admin/directory/facility/{world.ny_clinic.pk}/change/")
    assert page.status_code == 200
    body = page.content.decode().partition('id="content"')[2]
    assert "sealed.invalid" not in body and "@example.test" not in body, "no account's key or address is shown"
    form = {
        "slug": "hudson-clinic",
        "name": "Hudson Clinic East",
        "kind": "clinic",
        "street": "1 Example Avenue",
        "city": "New York",
        "region": "NY",
        "postal_code": "10016",
        "country": "US",
        "latitude": "40.7459",
        "longitude": "-73.9781",
        "timezone": "America/New_York",
        "phone": "",
        "cancel_cutoff_hours": "24",
        "reminder_offsets": "",
        "staff-TOTAL_FORMS": "0",
        "staff-INITIAL_FORMS": "0",
        "roles-TOTAL_FORMS": "0",
        "roles-INITIAL_FORMS": "0",
    }
    saved = client.post(f"/admin/directory/facility/{world.ny_clinic.pk}/change/", form)
    assert saved.status_code == 302, saved.content.decode()[:3000]
    assert Facility.objects.get(pk=world.ny_clinic.pk).name == "Hudson Clinic East"
    [event] = events("directory.operator_changed")
    assert event.actor_user_id == operator.pk and event.details["fields"] == ["name"]


def test_people_who_are_not_operators_cannot_open_the_admin(world) -> None:
    for user in (world.member, world.staff_user):
        client = Client()
        client.force_login(user)
        assert client.get("/admin/directory/facility/").status_code == 302
