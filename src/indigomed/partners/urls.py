"""The Partners portal's addresses, under ``/partners/``: everything a facility has is under its id."""

from __future__ import annotations

from django.urls import path

from indigomed.partners import invitation_views, practitioner_views, views

app_name = "partners"

urlpatterns = [
    path("", views.home, name="home"),
    path("invitations/open/", invitation_views.accept, name="accept"),
    path("invitations/<str:token>/", invitation_views.open_invitation, name="invitation"),
    path("<int:facility_id>/", views.overview, name="overview"),
    path("<int:facility_id>/profile", views.profile, name="profile"),
    path("<int:facility_id>/plans", views.plans, name="plans"),
    path("<int:facility_id>/booking-rules", views.booking_rules, name="booking_rules"),
    path("<int:facility_id>/practitioners/", practitioner_views.practitioners, name="practitioners"),
    path("<int:facility_id>/practitioners/invite", practitioner_views.invite_practitioner, name="invite_practitioner"),
    path("<int:facility_id>/practitioners/attach", practitioner_views.attach_practitioner, name="attach_practitioner"),
    path("<int:facility_id>/practitioners/<int:role_id>/", practitioner_views.practitioner, name="practitioner"),
    path("<int:facility_id>/practitioners/<int:role_id>/hours", practitioner_views.add_hours, name="add_hours"),
    path(
        "<int:facility_id>/practitioners/<int:role_id>/hours/<int:rule_id>",
        practitioner_views.edit_hours,
        name="edit_hours",
    ),
    path(
        "<int:facility_id>/practitioners/<int:role_id>/hours/<int:rule_id>/remove",
        practitioner_views.remove_hours,
        name="remove_hours",
    ),
    path(
        "<int:facility_id>/practitioners/<int:role_id>/visit-types",
        practitioner_views.add_visit_type,
        name="add_visit_type",
    ),
    path(
        "<int:facility_id>/practitioners/<int:role_id>/visit-types/<int:visit_type_id>",
        practitioner_views.edit_visit_type,
        name="edit_visit_type",
    ),
    path(
        "<int:facility_id>/practitioners/<int:role_id>/visit-types/<int:visit_type_id>/retire",
        practitioner_views.retire_visit_type,
        name="retire_visit_type",
    ),
    path(
        "<int:facility_id>/practitioners/<int:role_id>/plans",
        practitioner_views.practitioner_plans,
        name="practitioner_plans",
    ),
    path(
        "<int:facility_id>/practitioners/<int:role_id>/deactivate",
        practitioner_views.deactivate_practitioner,
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
