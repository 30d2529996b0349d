"""TRAFFIC-1: the retention window is the policy file's, thirteen months by default (the CNIL's
limit), and a file asking for more, or for nothing, stops the platform with the line."""

from __future__ import annotations

import re

import pytest

from indigomed.errors import PolicyError
from indigomed.policy_file import DEFAULT_POLICY
from indigomed.traffic.retention import _parse, retention

SHIPPED = DEFAULT_POLICY.read_text(encoding="utf-8")


def test_the_shipped_policy_keeps_traffic_thirteen_months() -> None:
    """TRAFFIC-1"""
    assert retention() == 13


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("retention_months = 13", "retention_months = 25"), "from 1 to 13"),
        (("retention_months = 13", "retention_months = 0"), "from 1 to 13"),
        (("retention_months = 13", 'retention_months = "13"'), "whole number"),
        (("[traffic]", "[traffic_data]"), "lacks [traffic]"),
    ],
    ids=["too-long", "zero", "not-a-number", "missing"],
)
def test_a_wrong_window_is_refused_with_its_line(change, message) -> None:
    """TRAFFIC-1"""
    text = SHIPPED.replace(*change)
    with pytest.raises(PolicyError, match=re.escape(message)) as refused:
        _parse(text, "policy.toml")
    if "lacks" not in message:
        line = next(i + 1 for i, ln in enumerate(text.splitlines()) if ln.startswith("retention_months"))
        assert f"line {line}:" in str(refused.value)
