"""RIGHT-ACCESS end to end on the pages: a member asks for a copy on the desk, the office answers, the
member downloads it; a clinician withholds a visit; the member asks a review; the office assigns a
reviewer, who decides. Every page refuses outsiders as not found."""

from __future__ import annotations

import json

from django.test import Client

from indigomed.interop.models import CopyGiven, FeeAccepted, Withholding, WithholdingReview
from indigomed.privacy.models import Disclosure
from indigomed.rights import office, services
from indigomed.rights.models import Request
from tests.conftest import make_user
from tests.interop.conftest import pdf_text

REASON = "Reading this now could put your safety at risk; let us talk it through at your next visit."
SIGNED = {"signed_name": "Pat Member", "consent": "on"}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _ask(member) -> Request:
    page = client_for(member)
    shown = page.get("/me/requests/new/access/")
    assert shown.status_code == 200 and "6.50 USD" in shown.content.decode()
    refused = page.post("/me/requests/new/access/", SIGNED)
    assert refused.status_code == 400 and "accept the fee" in refused.content.decode()
    assert not Request.objects.exists() and not FeeAccepted.objects.exists()
    filed = page.post("/me/requests/new/access/", {**SIGNED, "accept_fee": "on"})
    assert filed.status_code == 302
    request = Request.objects.get(kind="access")
    assert FeeAccepted.objects.get(request_ref=request.ref).fee_cents == 650
    return request


def test_a_member_asks_the_office_answers_and_the_member_downloads_the_copy(history, world) -> None:
    """RIGHT-ACCESS: asked on the desk, fulfilled by the office, downloaded as JSON and PDF."""
    request = _ask(history.member)
    office.start_review(officer=history.officer, public_id=request.public_id)
    office.conclude(officer=history.officer, public_id=request.public_id, outcome="fulfilled")
    given = CopyGiven.objects.get(request_ref=request.ref)
    assert given.fee_cents == 650
    assert Disclosure.objects.filter(subject_refs=f"copy:{given.public_id}", recipient_kind="member").count() == 1
    page = client_for(history.member)
    detail = page.get(f"/me/requests/{request.public_id}/")
    assert f"/me/requests/{request.public_id}/copy.pdf" in detail.content.decode()
    bundle = page.get(f"/me/requests/{request.public_id}/copy.json")
    assert bundle.status_code == 200 and bundle["Content-Type"] == "application/fhir+json"
    assert json.loads(bundle.content)["resourceType"] == "Bundle"
    pdf = page.get(f"/me/requests/{request.public_id}/copy.pdf")
    assert "Chest pain" in pdf_text(pdf.content)
    assert page.get(f"/me/requests/{request.public_id}/copy.xml").status_code == 404
    listed = page.get("/me/copies/")
    assert f"/me/copies/{given.public_id}.json" in listed.content.decode()
    assert page.get(f"/me/copies/{given.public_id}.pdf").status_code == 200


def test_another_members_copy_is_never_reachable(history, world) -> None:
    """RIGHT-ACCESS: another member's copy answers 404, by request and by copy."""
    request = _ask(history.member)
    office.start_review(officer=history.officer, public_id=request.public_id)
    office.conclude(officer=history.officer, public_id=request.public_id, outcome="fulfilled")
    given = CopyGiven.objects.get()
    for stranger in (world.other_member, world.doctor_user, history.officer):
        page = client_for(stranger)
        for url in (
            f"/me/requests/{request.public_id}/copy.json",
            f"/me/requests/{request.public_id}/copy.pdf",
            f"/me/copies/{given.public_id}.json",
            f"/me/copies/{given.public_id}.pdf",
        ):
            assert page.get(url).status_code in (403, 404), url
    assert client_for(world.other_member).get(f"/me/copies/{given.public_id}.pdf").status_code == 404
    assert Client().get(f"/me/copies/{given.public_id}.pdf").status_code == 302  # to sign in


def test_with_an_item_withheld_the_office_answers_partly_fulfilled(history, world) -> None:
    withheld = client_for(world.doctor_user).post(
        f"/connect/appointments/{history.chest.public_id}/withhold", {"reason": REASON}
    )
    assert withheld.status_code == 302 and Withholding.objects.count() == 1
    request = _ask(history.member)
    office.start_review(officer=history.officer, public_id=request.public_id)
    refused = client_for(history.officer).post(
        f"/office/requests/{request.public_id}/conclude", {"outcome": "fulfilled", "reasons": ""}
    )
    assert not CopyGiven.objects.exists()
    assert refused.status_code in (302, 400)
    office.conclude(
        officer=history.officer,
        public_id=request.public_id,
        outcome="partly_fulfilled",
        reasons="A clinician withheld one visit; the copy explains why and how to ask for a review.",
    )
    text = pdf_text(client_for(history.member).get(f"/me/requests/{request.public_id}/copy.pdf").content)
    assert "Chest pain" not in text and "let us talk it through" in " ".join(text.split())


def test_withholding_reviewing_and_assigning_on_the_pages(history, world) -> None:
    doctor, member, officer, reviewer = (
        client_for(world.doctor_user), client_for(history.member), client_for(history.officer), client_for(history.reviewer),
    )  # fmt: skip
    url = f"/connect/appointments/{history.chest.public_id}/withhold"
    assert doctor.get(url).status_code == 200
    bad = doctor.post(url, {"reason": "harm"})
    assert bad.status_code == 400 and "sentence" in bad.content.decode()
    assert client_for(world.staff_user).post(url, {"reason": REASON}).status_code == 403
    stranger = make_user("claire.coeur@example.test")
    world.paris_doctor.user = stranger
    world.paris_doctor.save(update_fields=["user"])
    assert client_for(stranger).post(url, {"reason": REASON}).status_code == 404  # not caring for the member
    assert (
        doctor.post(f"/connect/appointments/{history.upcoming.public_id}x/withhold", {"reason": REASON}).status_code
        == 404
    )
    assert not Withholding.objects.exists()
    assert doctor.post(url, {"reason": REASON}).status_code == 302
    withholding = Withholding.objects.get()
    page = member.get("/me/copies/").content.decode()
    assert "let us talk it through" in page and "Ask for a review" in page
    assert client_for(world.other_member).post(f"/me/copies/withheld/{withholding.public_id}/review").status_code == 302
    assert not WithholdingReview.objects.exists()
    assert member.post(f"/me/copies/withheld/{withholding.public_id}/review").status_code == 302
    review = WithholdingReview.objects.get()
    assert member.post(f"/me/copies/withheld/{withholding.public_id}/review").status_code == 302
    assert WithholdingReview.objects.count() == 1
    waiting = officer.get("/office/copies/reviews/").content.decode()
    assert str(review.public_id) in waiting and "Dr. Ada Hart" not in waiting.split("<select")[1].split("</select>")[0]
    assert client_for(history.member).get("/office/copies/reviews/").status_code == 403
    assign = f"/office/copies/reviews/{review.public_id}/assign"
    officer.post(assign, {"reviewer": world.heart_doctor.pk})
    officer.post(assign, {"reviewer": "x"})
    review.refresh_from_db()
    assert review.status == "asked"
    officer.post(assign, {"reviewer": world.skin_doctor.pk})
    review.refresh_from_db()
    assert review.status == "assigned"
    assert doctor.get(f"/connect/reviews/{review.public_id}/").status_code == 404
    assert str(review.public_id) in reviewer.get("/connect/reviews/").content.decode()
    shown = reviewer.get(f"/connect/reviews/{review.public_id}/").content.decode()
    assert "Chest pain" in shown and "let us talk it through" in shown
    assert (
        reviewer.post(f"/connect/reviews/{review.public_id}/", {"decision": "maybe", "reason": "x"}).status_code == 400
    )
    done = reviewer.post(
        f"/connect/reviews/{review.public_id}/", {"decision": "overturn", "reason": "The member is ready to read it."}
    )
    assert done.status_code == 302
    page = member.get("/me/copies/").content.decode()
    assert "Overturned" in page and "The member is ready to read it." in page and "Nothing is withheld" in page


def test_a_copy_over_the_api_with_its_fee_and_downloads_only_for_its_member(history, world) -> None:
    api = client_for(history.member)
    terms = api.get("/api/me/copies/terms").json()
    assert (terms["fee_cents"], terms["fee_currency"]) == (650, "USD")
    signed = {"signed_name": "Pat Member", "consent": True}
    assert api.post("/api/me/copies", signed, content_type="application/json").status_code == 400
    assert not Request.objects.exists()
    filed = api.post("/api/me/copies", {**signed, "accept_fee": True}, content_type="application/json")
    assert filed.status_code == 201
    request = Request.objects.get()
    office.start_review(officer=history.officer, public_id=request.public_id)
    office.conclude(officer=history.officer, public_id=request.public_id, outcome="fulfilled")
    got = api.get(f"/api/me/requests/{request.public_id}/copy.json")
    assert got.status_code == 200 and json.loads(got.content)["type"] == "collection"
    assert client_for(world.other_member).get(f"/api/me/requests/{request.public_id}/copy.json").status_code == 404
    assert client_for(world.other_member).get("/api/me/copies/terms").status_code == 200
    assert client_for(world.doctor_user).get("/api/me/copies/terms").status_code == 404


def test_a_letter_entered_by_the_office_gets_its_copy_with_the_fee_waived(history, world) -> None:
    import datetime as dt

    from django.utils import timezone

    from tests.conftest import address_of

    request = services.enter_request(
        officer=history.officer,
        member_email=address_of(history.member),
        kind="access",
        channel="email",
        signed_on=timezone.localdate() - dt.timedelta(days=1),
        text="Please send me a copy of my records.",
    )
    office.start_review(officer=history.officer, public_id=request.public_id)
    office.conclude(officer=history.officer, public_id=request.public_id, outcome="fulfilled")
    assert CopyGiven.objects.get(request_ref=request.ref).fee_cents == 0
