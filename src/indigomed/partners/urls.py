"""The Partners portal's addresses, under ``/partners/``: everything a facility has is under its id."""

from __future__ import annotations

from django.urls import path

from indigomed.partners import views

app_name = "partners"

urlpatterns = [
    path("", views.home, name="home"),
    path("invitations/open/", views.accept, name="accept"),
    path("invitations/<str:token>/", views.open_invitation, name="invitation"),
    path("<int:facility_id>/", views.overview, name="overview"),
    path("<int:facility_id>/profile", views.profile, name="profile"),
    path("<int:facility_id>/plans", views.plans, name="plans"),
    path("<int:facility_id>/booking-rules", views.booking_rules, name="booking_rules"),
    path("<int:facility_id>/practitioners/", views.practitioners, name="practitioners"),
    path("<int:facility_id>/practitioners/invite", views.invite_practitioner, name="invite_practitioner"),
    path("<int:facility_id>/practitioners/attach", views.attach_practitioner, name="attach_practitioner"),
    path("<int:facility_id>/practitioners/<int:role_id>/", views.practitioner, name="practitioner"),
    path("<int:facility_id>/practitioners/<int:role_id>/hours", views.add_hours, name="add_hours"),
    path("<int:facility_id>/practitioners/<int:role_id>/hours/<int:rule_id>", views.edit_hours, name="edit_hours"),
    path(
        "<int:facility_id>/practitioners/<int:role_id>/hours/<int:rule_id>/remove",
        views.remove_hours,
        name="remove_hours",
    ),
    path("<int:facility_id>/practitioners/<int:role_id>/visit-types", views.add_visit_type, name="add_visit_type"),
    path(
        "<int:facility_id>/practitioners/<int:role_id>/visit-types/<int:visit_type_id>",
        views.edit_visit_type,
        name="edit_visit_type",
    ),
    path(
        "<int:facility_id>/practitioners/<int:role_id>/visit-types/<int:visit_type_id>/retire",
        views.retire_visit_type,
        name="retire_visit_type",
    ),
    path("<int:facility_id>/practitioners/<int:role_id>/plans", views.practitioner_plans, name="practitioner_plans"),
    path(
        "<int:facility_id>/practitioners/<int:role_id>/deactivate",
        views.deactivate_practitioner,
        name="deactivate_practitioner",
    ),
    path("<int:facility_id>/staff/", views.staff, name="staff"),
    path("<int:facility_id>/staff/invite", views.invite_staff, name="invite_staff"),
    path("<int:facility_id>/staff/<int:staff_id>/role", views.staff_role, name="staff_role"),
    path("<int:facility_id>/staff/<int:staff_id>/remove", views.remove_staff, name="remove_staff"),
    path(
        "<int:facility_id>/invitations/<int:invitation_id>/withdraw",
        views.withdraw_invitation,
        name="withdraw_invitation",
    ),
]
