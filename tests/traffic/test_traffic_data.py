"""TRAFFIC-1: traffic data only with analytics consent, pseudonymized (the network truncated and
keyed-hashed with a key of the day), purged after the policy's window, and shown to the privacy
office as totals only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from indigomed.accounts.models import PrivacyOfficer
from indigomed.traffic import pseudonym
from indigomed.traffic.agents import browser_of, device_of
from indigomed.traffic.models import DayKey, PageView
from indigomed.traffic.queries import summary
from indigomed.traffic.retention import months_before
from indigomed.traffic.sweeps import purge_traffic
from indigomed.web import consent
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1"
DESKTOP = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"


def visitor(*, analytics: bool, address: str = "203.0.113.77") -> Client:
    value = signing.dumps(
        {"v": consent.VERSION, "p": False, "a": analytics, "t": int(timezone.now().timestamp())}, salt=consent.SALT
    )
    client = Client(REMOTE_ADDR=address, HTTP_USER_AGENT=PHONE)
    client.cookies[consent.COOKIE_NAME] = value
    return client


@pytest.fixture(autouse=True)
def _no_cached_key():
    pseudonym.forget_keys()
    yield
    pseudonym.forget_keys()


def test_with_analytics_consent_a_page_view_is_stored_pseudonymized(world) -> None:
    """TRAFFIC-1"""
    client = visitor(analytics=True)
    answer = client.get(
        f"/practitioners/{world.heart_doctor.slug}/?q=chest+pain",
        HTTP_REFERER="https://www.search.example/results?q=my+name+and+my+illness",
    )
    assert answer.status_code == 200
    view = PageView.objects.get()
    assert view.page == "practitioner", "the pattern's name, never the path with its ids"
    assert view.referrer == "www.search.example", "the referring domain only, no query"
    assert (view.device, view.browser, view.site) == ("phone", "Safari", "testserver")
    assert len(view.network) == 64
    stored = " ".join(str(v) for v in PageView.objects.values_list().get())
    assert "203.0.113" not in stored and world.heart_doctor.slug not in stored and "illness" not in stored


def test_one_network_has_one_pseudonym_a_day_and_another_the_next(world) -> None:
    """TRAFFIC-1: addresses of one /24 share a pseudonym; a new day's key gives a new one."""
    visitor(analytics=True, address="198.51.100.7").get("/search/")
    visitor(analytics=True, address="198.51.100.200").get("/search/")
    visitor(analytics=True, address="192.0.2.1").get("/search/")
    first, second, third = PageView.objects.order_by("id").values_list("network", flat=True)
    assert first == second != third
    today = timezone.now().date()
    assert pseudonym.pseudonym("198.51.100.7", today) == first
    assert pseudonym.pseudonym("198.51.100.7", today + dt.timedelta(days=1)) != first
    assert pseudonym.network_of("2001:db8:1234:5678::1") == "2001:db8:1234::/48"
    assert pseudonym.network_of("::ffff:198.51.100.7") == "198.51.100.0/24"


@pytest.mark.parametrize(
    ("analytics", "headers"),
    [(False, {}), (True, {"HTTP_SEC_GPC": "1"})],
    ids=["refused", "gpc-signal"],
)
def test_without_consent_or_with_gpc_nothing_is_stored(world, analytics, headers) -> None:
    """TRAFFIC-1: without analytics consent, or with the Global Privacy Control signal, nothing is stored."""
    client = visitor(analytics=analytics)
    for path in ("/", "/search/", f"/practitioners/{world.heart_doctor.slug}/"):
        assert client.get(path, **headers).status_code == 200
    assert not PageView.objects.exists()
    assert not DayKey.objects.exists()
    assert Client().get("/").status_code == 200 and not PageView.objects.exists(), "no cookie, no record"


def test_only_pages_of_the_sites_are_counted(world) -> None:
    """TRAFFIC-1: the API, errors, redirects and forms sent are not page views."""
    client = visitor(analytics=True)
    client.get("/api/search/practitioners")
    client.get("/no-such-page/")
    client.get("/appointments/")  # a visitor is sent to sign in
    client.post("/cookies/", {"choice": "accept_all"})
    assert not PageView.objects.exists()
    client.get("/search/")
    assert list(PageView.objects.values_list("page", flat=True)) == ["search"]


def test_user_agents_are_read_coarsely() -> None:
    """TRAFFIC-1: device type and browser family, nothing finer."""
    assert (device_of(PHONE), browser_of(PHONE)) == ("phone", "Safari")
    assert (device_of(DESKTOP), browser_of(DESKTOP)) == ("desktop", "Chrome")
    edge = DESKTOP.replace("Safari/537.36", "Safari/537.36 Edg/120.0")
    assert browser_of(edge) == "Edge"
    tablet = "Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"
    assert device_of(tablet) == "tablet"
    assert (device_of("Googlebot/2.1"), browser_of("Googlebot/2.1")) == ("bot", "Robot")
    assert (device_of(""), browser_of("")) == ("other", "Other")


def _view(at: dt.datetime, page: str = "search", network: str = "a" * 64, **fields: str) -> PageView:
    return PageView.objects.create(
        at=at, network=network, site="testserver", device="desktop", browser="Firefox", page=page, **fields
    )


def test_the_purge_deletes_what_is_older_than_the_window_with_a_frozen_clock(world) -> None:
    """TRAFFIC-1: purging traffic data older than the policy's window (13 months), tested with a frozen clock."""
    now = dt.datetime(2026, 3, 31, 12, 0, tzinfo=dt.UTC)
    kept = _view(dt.datetime(2025, 2, 28, 12, 0, tzinfo=dt.UTC))  # 13 months before, to the minute
    too_old = _view(dt.datetime(2025, 2, 28, 11, 59, tzinfo=dt.UTC))
    DayKey.objects.create(day=now.date() - dt.timedelta(days=1), key=b"k" * 32)
    DayKey.objects.create(day=now.date(), key=b"t" * 32)
    done = purge_traffic(now)
    assert done.before == dt.datetime(2025, 2, 28, 12, 0, tzinfo=dt.UTC)
    assert done.page_views == 1 and done.keys == 1
    assert list(PageView.objects.values_list("id", flat=True)) == [kept.pk]
    assert not PageView.objects.filter(pk=too_old.pk).exists()
    assert list(DayKey.objects.values_list("day", flat=True)) == [now.date()], "past days' keys are gone"
    assert purge_traffic(now).page_views == 0, "a second sweep finds nothing"


def test_months_are_calendar_months() -> None:
    """TRAFFIC-1"""
    at = dt.datetime(2026, 3, 31, 8, 30, tzinfo=dt.UTC)
    assert months_before(at, 1) == dt.datetime(2026, 2, 28, 8, 30, tzinfo=dt.UTC)
    assert months_before(at, 13) == dt.datetime(2025, 2, 28, 8, 30, tzinfo=dt.UTC)
    assert months_before(dt.datetime(2026, 1, 15, tzinfo=dt.UTC), 1) == dt.datetime(2025, 12, 15, tzinfo=dt.UTC)


def test_the_office_sees_totals_with_small_counts_hidden(world) -> None:
    """TRAFFIC-1: shown to the operator as aggregate counts only, small ones as "<5"."""
    now = timezone.now()
    for i in range(6):
        _view(now, page="search", network=f"{i:064x}")
    _view(now, page="practitioner", network=f"{0:064x}", referrer="www.search.example")
    shown = summary(since=now.date() - dt.timedelta(days=6), until=now.date())
    assert shown.views == "7"
    assert [(t.label, t.views) for t in shown.pages] == [("search", "6"), ("practitioner", "<5")]
    assert [(t.label, t.views) for t in shown.referrers] == [("www.search.example", "<5")]
    assert [(t.views, t.networks) for t in shown.days] == [("7", "6")]

    officer = make_user("privacy.officer@example.test")
    PrivacyOfficer.objects.create(user=officer)
    client = Client()
    client.force_login(officer)
    page = client.get("/office/traffic/?days=7")
    assert page.status_code == 200
    html = page.content.decode()
    assert "&lt;5" in html and "www.search.example" in html
    assert f"{0:064x}" not in html and f"{5:064x}" not in html, "no pseudonym is ever shown"
    assert client.get("/office/traffic/?days=nonsense").status_code == 200


@pytest.mark.parametrize("who", ["member", "doctor_user", "staff_user"])
def test_traffic_totals_are_for_the_privacy_office_only(world, who) -> None:
    """TRAFFIC-1"""
    client = Client()
    client.force_login(getattr(world, who))
    assert client.get("/office/traffic/").status_code in (403, 404)
    assert Client().get("/office/traffic/").status_code == 302, "a visitor is asked to sign in"


def test_the_demo_month_of_traffic_shows_on_the_office_page(world) -> None:
    """TRAFFIC-1: the demo seeds synthetic traffic, pseudonymized like real traffic."""
    from indigomed.traffic.demo import seed_traffic

    assert seed_traffic(days=3) > 0
    assert not PageView.objects.exclude(network__regex=r"^[0-9a-f]{64}$").exists()
    today = timezone.now().date()
    shown = summary(since=today - dt.timedelta(days=6), until=today)
    # Three days back from now span three calendar days, or four when now is not midnight's edge.
    assert len(shown.days) in (3, 4) and shown.pages and shown.browsers
