"""axe-core, the accessibility engine, run inside a page the browser tests opened.

The script comes from the ``axe-playwright-python`` package (which ships ``axe.min.js``, MPL-2.0):
nothing is fetched at run time."""

from __future__ import annotations

from typing import Any

from axe_playwright_python.base import AXE_SCRIPT

# What must never ship: a person using a screen reader, a keyboard or high contrast is stopped.
BLOCKING = ("serious", "critical")


def blocking_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [v for v in results["violations"] if v["impact"] in BLOCKING]


def report(found: dict[str, list[dict[str, Any]]]) -> str:
    """One line per violation and the elements it names, by page."""
    lines = []
    for where, violations in found.items():
        for v in violations:
            targets = "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
            lines.append(f"{where}: {v['id']} ({v['impact']}): {v['help']} — {targets}")
    return "\n".join(lines)
