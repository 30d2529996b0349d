"""Addresses of the notice and the Terms: the current version, each past one, their PDFs."""

from django.urls import path

from indigomed.notices import views

app_name = "notices"

urlpatterns = [
    path("privacy/", views.current, {"kind": "privacy"}, name="privacy"),
    path("privacy/v/<int:number>/", views.past, {"kind": "privacy"}, name="privacy_version"),
    path("privacy/v/<int:number>.pdf", views.pdf, {"kind": "privacy"}, name="privacy_pdf"),
    path("privacy/paper/", views.paper, name="paper"),
    path("privacy/changes/", views.changes, name="changes"),
    path("terms/", views.current, {"kind": "terms"}, name="terms"),
    path("terms/v/<int:number>/", views.past, {"kind": "terms"}, name="terms_version"),
    path("terms/v/<int:number>.pdf", views.pdf, {"kind": "terms"}, name="terms_pdf"),
]
