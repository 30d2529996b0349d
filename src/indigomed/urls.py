from django.contrib import admin
from django.urls import include, path

from indigomed.accounts import guardian_views, lost_contact_views, second_factor_views, session_views, takeover_views
from indigomed.accounts import views as account_views
from indigomed.api import api
from indigomed.directory import views as directory_views
from indigomed.interop import views as copy_views
from indigomed.messaging import contact_check_views
from indigomed.messaging import views as messaging_views
from indigomed.notices import office_views as notice_office_views
from indigomed.privacy import (
    amendment_views,
    breach_views,
    guardianship_views,
    marketing_views,
    office_events,
    office_views,
)
from indigomed.privacy import lost_contact_views as office_lost_contact_views
from indigomed.privacy import views as privacy_views
from indigomed.rights import amendment_views as rights_amendment_views
from indigomed.rights import restriction_views, shredding_views
from indigomed.rights import urls as rights_urls
from indigomed.rights import views as rights_views
from indigomed.scheduling import connect_views, video_views
from indigomed.scheduling import views as booking_views
from indigomed.search import views as search_views
from indigomed.traffic import views as traffic_views
from indigomed.web.admin_sign_in import admin_sign_in
from indigomed.web.language import switch_language

# The admin's own password form has no lock-out: its sign-in is the site's (SEC-1).
admin.site.login = admin_sign_in  # type: ignore[method-assign]

connect_patterns = (
    [
        path("", connect_views.calendar, name="calendar"),
        path("appointments/<uuid:public_id>/status", connect_views.mark, name="mark"),
        path("availability", connect_views.change_availability, name="availability"),
        path("appointments/<uuid:public_id>/refer", connect_views.refer, name="refer"),
        path("amendments/<uuid:public_id>/", amendment_views.amended_record, name="amendment"),
        path("appointments/<uuid:public_id>/withhold", copy_views.withhold, name="withhold"),
        path("reviews/", copy_views.reviews, name="reviews"),
        path("reviews/<uuid:public_id>/", copy_views.review, name="review"),
    ],
    "connect",
)

office_patterns = (
    [
        path("", office_views.home, name="home"),
        path("restrictions/<uuid:public_id>/decide", restriction_views.office_decide, name="decide"),
        path("legal-demands", office_views.record_demand, name="record_demand"),
        path("legal-demands/<uuid:public_id>/release", office_views.release, name="release"),
        path("legal-demands/<uuid:public_id>/document", office_views.demand_document, name="demand_document"),
        path("partners", office_views.register_partner, name="register_partner"),
        path("events/", office_events.events, name="events"),
        path("closed-accounts/", shredding_views.closed_accounts, name="closed_accounts"),
        path("lost-contact/", office_lost_contact_views.lost_contact, name="lost_contact"),
        path("guardianships/", guardianship_views.guardianships, name="guardianships"),
        path("guardianships/<uuid:public_id>/end", guardianship_views.end, name="end_guardianship"),
        path("copies/reviews/", copy_views.office_reviews, name="copy_reviews"),
        path("copies/reviews/<uuid:public_id>/assign", copy_views.assign, name="assign_reviewer"),
        path("marketing/", marketing_views.marketing, name="marketing"),
        path("incidents/", breach_views.incidents, name="incidents"),
        path("incidents/<uuid:public_id>/", breach_views.incident, name="incident"),
        path("incidents/<uuid:public_id>/tell", breach_views.tell, name="incident_tell"),
        path("incidents/<uuid:public_id>/report", breach_views.report, name="incident_report"),
        path("incidents/<uuid:public_id>/proof.pdf", breach_views.proof_pdf, name="incident_proof"),
        path("amendments/", amendment_views.office_list, name="amendments"),
        path("amendments/<uuid:public_id>/", amendment_views.office_detail, name="amendment"),
        path("amendments/<uuid:public_id>/accept", rights_amendment_views.office_accept, name="amendment_accept"),
        path("amendments/<uuid:public_id>/deny", rights_amendment_views.office_deny, name="amendment_deny"),
        path("amendments/<uuid:public_id>/rebut", amendment_views.office_rebut, name="amendment_rebut"),
        path("notices/", notice_office_views.desk, name="notices"),
        path("notices/<slug:kind>/new", notice_office_views.publish, name="notice_publish"),
        path("traffic/", traffic_views.office_traffic, name="traffic"),
    ],
    "office",
)

urlpatterns = [
    # First: the API is most of the traffic, and each request tries the patterns in order.
    path("api/", api.urls),
    path("", search_views.home, name="home"),
    path("search/", search_views.results, name="search"),
    path("practitioners/<slug:slug>/", directory_views.practitioner, name="practitioner"),
    path("facilities/<slug:slug>/", directory_views.facility, name="facility"),
    path("book/<int:slot_id>/", booking_views.book, name="book"),
    path("book/<int:slot_id>/hold", booking_views.hold, name="hold_slot"),
    path("appointments/", booking_views.my_appointments, name="my_appointments"),
    path("appointments/<uuid:public_id>/", booking_views.appointment, name="appointment"),
    path("appointments/<uuid:public_id>/cancel", booking_views.cancel, name="cancel_appointment"),
    path("appointments/<uuid:public_id>/reschedule", booking_views.reschedule, name="reschedule_appointment"),
    path("appointments/<uuid:public_id>/calendar.ics", booking_views.ics, name="appointment_ics"),
    path("appointments/<uuid:public_id>/join", video_views.join, name="appointment_join"),
    path("me/", privacy_views.profile, name="my_profile"),
    path("me/insurance", privacy_views.add_insurance, name="my_insurance"),
    path("me/insurance/<uuid:public_id>/", privacy_views.edit_insurance, name="my_insurance_edit"),
    path("me/insurance/<uuid:public_id>/remove", privacy_views.remove_insurance, name="my_insurance_remove"),
    path("me/amendments/", amendment_views.mine, name="my_amendments"),
    path("me/amendments/new/", rights_amendment_views.ask, name="my_amend"),
    path("me/amendments/<uuid:public_id>/disagree", amendment_views.disagree, name="my_disagree"),
    path("me/privacy/", privacy_views.privacy, name="my_privacy"),
    path("me/privacy/authorize/", privacy_views.authorize, name="my_authorize"),
    path("me/privacy/authorizations/<uuid:public_id>/revoke", privacy_views.revoke, name="my_revoke"),
    path("me/privacy/restrict", restriction_views.restrict, name="my_restrict"),
    path("me/privacy/restrictions/<uuid:public_id>/end", privacy_views.end_restriction, name="my_end_restriction"),
    path("me/copies/", copy_views.my_copies, name="my_copies"),
    path("me/copies/withheld/<uuid:public_id>/review", copy_views.ask_review, name="ask_copy_review"),
    path("me/copies/<uuid:public_id>.<slug:fmt>", copy_views.download, name="copy_download"),
    path("connect/", include(connect_patterns)),
    path("partners/", include("indigomed.partners.urls")),
    path("me/contact/", messaging_views.contact, name="my_contact"),
    path("me/contact/check", contact_check_views.check, name="my_contact_check"),
    path("me/sessions/", session_views.sessions, name="my_sessions"),
    path("me/lost-contact/", lost_contact_views.report, name="my_lost_contact"),
    path("me/lost-contact/code", lost_contact_views.confirm_code, name="my_lost_contact_code"),
    path("me/dependents/", guardian_views.dependents, name="my_dependents"),
    path("me/dependents/<uuid:public_id>/act", guardian_views.act_for, name="act_for_dependent"),
    path("me/dependents/stop", guardian_views.stop, name="stop_acting"),
    path("me/dependents/<uuid:public_id>/invite", takeover_views.invite, name="invite_dependent"),
    path("me/dependents/<uuid:public_id>/give-up", takeover_views.give_up_dependent, name="give_up_dependent"),
    path("take-over/<str:token>/", takeover_views.take_over_page, name="take_over"),
    path("me/language", account_views.language, name="my_language"),
    path("i18n/setlang/", switch_language, name="set_language"),
    path("messages/<uuid:public_id>/opt-out", messaging_views.marketing_opt_out, name="marketing_opt_out"),
    path("office/messages/", messaging_views.office_messages, name="office_messages"),
    path("office/messages/<uuid:public_id>/retry", messaging_views.office_retry, name="office_message_retry"),
    path("me/requests/", include(rights_urls.member_patterns)),
    path("office/requests/", include(rights_urls.office_patterns)),
    path("", include("indigomed.notices.urls")),
    path("privacy-office/", rights_views.contact, name="privacy_office_contact"),
    path("cookies/", traffic_views.cookie_settings, name="cookie_settings"),
    path("office/", include(office_patterns)),
    path("accounts/parental-consent/<str:token>/", account_views.parental_consent, name="parental_consent"),
    # Removing a passkey follows the second-factor rules (staff keep one; a short password needs one).
    path("accounts/2fa/webauthn/keys/<int:pk>/remove/", second_factor_views.remove_passkey, name="mfa_remove_webauthn"),
    path("accounts/2fa/continue", second_factor_views.go_on, name="second_factor_continue"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
