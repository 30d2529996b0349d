"""A page is served whatever the browser says it came from: a broken or hostile Referer header is
counted as "no referring site", never as a server error, and never stored as it came."""

from __future__ import annotations

import pytest

from indigomed.traffic.models import PageView
from tests.traffic.test_traffic_data import visitor

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "referer",
    [
        "http://[::1",  # an unclosed IPv6 address
        "http://[",
        "https://]evil.example[/",
        "http://a\x00b.example/",  # a NUL byte, which PostgreSQL cannot store in text
        "http://exa mple.example/",
        "http://<script>.example/",
    ],
)
def test_a_malformed_referer_still_serves_the_page_and_is_counted_without_a_referrer(world, referer) -> None:
    answer = visitor(analytics=True).get("/", HTTP_REFERER=referer)
    assert answer.status_code == 200
    assert list(PageView.objects.values_list("page", "referrer")) == [("home", "")]


def test_a_well_formed_referring_site_is_kept_as_its_host_name(world) -> None:
    visitor(analytics=True).get("/", HTTP_REFERER="https://News.Example.org:8443/a/b?q=private")
    assert list(PageView.objects.values_list("referrer", flat=True)) == ["news.example.org"]
