"""Addresses of the requests desk: the member's (``/me/requests/``) and the office's (``/office/requests/``).

Only request ids (UUIDs) and kinds appear in them: never a name, an address or a period."""

from __future__ import annotations

from django.urls import path

from indigomed.rights import access_views, letter_views, office_views, views

member_patterns = (
    [
        path("", views.my_requests, name="mine"),
        path("new/<slug:kind>/", views.new_request, name="new"),
        path("<uuid:public_id>/", views.detail, name="detail"),
        path("<uuid:public_id>/accounting.<slug:fmt>", views.accounting_download, name="accounting_download"),
        path("<uuid:public_id>/copy.<slug:fmt>", access_views.copy_download, name="copy_download"),
    ],
    "rights",
)

office_patterns = (
    [
        path("", office_views.desk, name="desk"),
        path("enter", letter_views.enter, name="enter"),
        path("<uuid:public_id>/", office_views.detail, name="detail"),
        path("<uuid:public_id>/assign", office_views.assign, name="assign"),
        path("<uuid:public_id>/review", office_views.start_review, name="review"),
        path("<uuid:public_id>/extend", office_views.extend, name="extend"),
        path("<uuid:public_id>/conclude", office_views.conclude, name="conclude"),
        path("<uuid:public_id>/letter", office_views.scan, name="scan"),
    ],
    "rights_office",
)
