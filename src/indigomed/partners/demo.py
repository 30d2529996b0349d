"""The demo's Partners story: the demo facility's HCF admin has moved one weekday's hours, and a
visit booked before the change is listed on the portal for the practice to move."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from indigomed.accounts.models import User
from indigomed.directory.models import FacilityStaff
from indigomed.records.sign_in_keys import sign_in_key
from indigomed.scheduling import practice_rules
from indigomed.scheduling.models import Appointment, AvailabilityRule


def show_a_booking_to_move(*, admin_email: str, keep_member_email: str) -> Appointment | None:
    """Shorten the weekly hours around one booked visit at the admin's facility (not the demo
    member's own, which the README's booking story uses), through the portal's own service.
    Returns the visit now listed to move, or ``None`` if the facility has none to choose."""
    admin = User.objects.get(email=sign_in_key(admin_email))
    staff = FacilityStaff.objects.select_related("facility").get(user=admin, role=FacilityStaff.Role.ADMIN)
    zone = ZoneInfo(staff.facility.timezone)
    booked = (
        Appointment.objects.filter(
            role__facility=staff.facility, status=Appointment.Status.BOOKED, starts_at__gt=timezone.now()
        )
        .exclude(member__email=sign_in_key(keep_member_email))
        .select_related("visit_type")
        .order_by("-starts_at")
    )
    for appointment in booked:
        start = appointment.starts_at.astimezone(zone)
        end = appointment.ends_at.astimezone(zone)
        rule = AvailabilityRule.objects.filter(
            role_id=appointment.role_id,
            weekday=start.weekday(),
            start_time__lte=start.time(),
            end_time__gte=end.time(),
        ).first()
        if rule is None:
            continue
        length = dt.timedelta(minutes=rule.visit_type.duration_minutes)
        day = start.date()
        # Keep the part of the hours before the visit if a visit fits there, else the part after.
        if dt.datetime.combine(day, start.time()) - dt.datetime.combine(day, rule.start_time) >= length:
            new_start, new_end = rule.start_time, start.time()
        elif dt.datetime.combine(day, rule.end_time) - dt.datetime.combine(day, end.time()) >= length:
            new_start, new_end = end.time(), rule.end_time
        else:
            continue
        practice_rules.change_hours(
            actor=admin,
            facility_id=staff.facility_id,
            role_id=appointment.role_id,
            rule_id=rule.pk,
            hours=practice_rules.WeeklyHours(
                weekday=rule.weekday, start=new_start, end=new_end, visit_type_id=rule.visit_type_id
            ),
        )
        return appointment
    return None
