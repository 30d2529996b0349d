"""The directory in Django's admin, for IndigoMed's operators: the reference lists, facilities,
practitioners, where they practise and who works each facility's portals.

Nothing here is personal information about members, which lives sealed in ``records`` and is
never registered. Accounts appear by their public reference only (``raw_id_fields``: no list of
accounts to pick from, no address), and invitations are read-only: their links are secret. An
operator's change is an audit event like any other, in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.db.models import QuerySet
from django.forms import BaseModelForm
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

from indigomed.directory.models import (
    Facility,
    FacilityInvitation,
    FacilityStaff,
    InsuranceCarrier,
    InsurancePlan,
    Language,
    Practitioner,
    PractitionerRole,
    Specialty,
    VisitReason,
)
from indigomed.security.services import record_event


def _record(request: HttpRequest, obj: models.Model, change: str, fields: list[str] | None = None) -> None:
    details: dict[str, object] = {"model": obj._meta.model_name, "change": change}
    if fields:
        details["fields"] = sorted(fields)[:12]
    record_event(
        actor=request.user,
        action="directory.operator_changed",
        subject_ref=f"{obj._meta.model_name}:{obj.pk}",
        details=details,
    )


class AuditedAdmin(admin.ModelAdmin):
    """Every add, change and delete made in the admin, its inlines' included, is an audit event."""

    def save_model(self, request: HttpRequest, obj: Any, form: BaseModelForm, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            _record(request, obj, "changed" if change else "added", list(form.changed_data))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            _record(request, obj, "deleted")
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic():
            for obj in queryset:
                _record(request, obj, "deleted")
            super().delete_queryset(request, queryset)

    def save_formset(self, request: HttpRequest, form: Any, formset: BaseInlineFormSet, change: bool) -> None:
        with transaction.atomic():
            for inline_form in formset.deleted_forms:
                if inline_form.instance.pk is not None:
                    _record(request, inline_form.instance, "deleted")
            super().save_formset(request, form, formset, change)
            for obj in formset.new_objects:
                _record(request, obj, "added")
            for obj, fields in formset.changed_objects:
                _record(request, obj, "changed", list(fields))


class VisitReasonInline(admin.TabularInline):
    model = VisitReason
    extra = 0
    fields = ("slug", "name", "tags")


@admin.register(Specialty)
class SpecialtyAdmin(AuditedAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [VisitReasonInline]


@admin.register(VisitReason)
class VisitReasonAdmin(AuditedAdmin):
    list_display = ("name", "specialty", "slug")
    list_filter = ("specialty",)
    search_fields = ("name", "slug")
    list_select_related = ("specialty",)


@admin.register(Language)
class LanguageAdmin(AuditedAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")


class InsurancePlanInline(admin.TabularInline):
    model = InsurancePlan
    extra = 0
    fields = ("slug", "name")


@admin.register(InsuranceCarrier)
class InsuranceCarrierAdmin(AuditedAdmin):
    list_display = ("name", "country", "slug")
    list_filter = ("country",)
    search_fields = ("name", "slug")
    inlines = [InsurancePlanInline]


@admin.register(InsurancePlan)
class InsurancePlanAdmin(AuditedAdmin):
    list_display = ("name", "carrier", "slug")
    list_filter = ("carrier__country", "carrier")
    search_fields = ("name", "slug", "carrier__name")
    list_select_related = ("carrier",)


class FacilityStaffInline(admin.TabularInline):
    model = FacilityStaff
    extra = 0
    raw_id_fields = ("user",)


class PractitionerRoleInline(admin.TabularInline):
    model = PractitionerRole
    extra = 0
    raw_id_fields = ("practitioner", "facility")
    readonly_fields = ("next_open_at",)


@admin.register(Facility)
class FacilityAdmin(AuditedAdmin):
    list_display = ("name", "kind", "city", "region", "country")
    list_filter = ("country", "kind")
    search_fields = ("name", "slug", "city", "postal_code")
    filter_horizontal = ("plans",)
    inlines = [FacilityStaffInline, PractitionerRoleInline]


@admin.register(Practitioner)
class PractitionerAdmin(AuditedAdmin):
    list_display = ("display_name", "gender", "rating_average", "rating_count")
    list_filter = ("gender", "specialties")
    search_fields = ("family_name", "given_name", "slug")
    filter_horizontal = ("specialties", "languages", "plans")
    raw_id_fields = ("user",)
    readonly_fields = ("rating_average", "rating_count")
    inlines = [PractitionerRoleInline]


@admin.register(PractitionerRole)
class PractitionerRoleAdmin(AuditedAdmin):
    list_display = ("practitioner", "facility", "is_active", "accepting_new_patients", "next_open_at")
    list_filter = ("is_active", "accepting_new_patients", "facility__country")
    search_fields = ("practitioner__family_name", "facility__name")
    list_select_related = ("practitioner", "facility")
    raw_id_fields = ("practitioner", "facility")
    readonly_fields = ("next_open_at",)


@admin.register(FacilityStaff)
class FacilityStaffAdmin(AuditedAdmin):
    list_display = ("facility", "role", "user")
    list_filter = ("role",)
    search_fields = ("facility__name",)
    list_select_related = ("facility", "user")
    raw_id_fields = ("user", "facility")


@admin.register(FacilityInvitation)
class FacilityInvitationAdmin(AuditedAdmin):
    """Read-only: an invitation is made and accepted in Partners, with its message and events."""

    list_display = ("facility", "kind", "staff_role", "created_at", "expires_at", "accepted_at", "withdrawn_at")
    list_filter = ("kind", "staff_role")
    list_select_related = ("facility",)
    exclude = ("token_hash",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
