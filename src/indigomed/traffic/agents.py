"""A User-Agent read coarsely: the kind of device and the browser's family, nothing finer.

The full string (with versions, system builds and languages) would help tell one visitor from
another; it is never stored. Order matters: Edge and Opera also say "Chrome", Chrome also says
"Safari", and tablets' strings also say "Mobile" on some systems.
"""

from __future__ import annotations

from indigomed.traffic.models import Device

BOTS = ("bot", "crawl", "spider", "slurp", "headlesschrome", "curl/", "wget/", "python-", "monitor")
# (what the string contains, lower case) -> family, the first that matches wins.
BROWSERS = (
    ("edg/", "Edge"),
    ("edga/", "Edge"),
    ("edgios/", "Edge"),
    ("opr/", "Opera"),
    ("samsungbrowser/", "Samsung Internet"),
    ("firefox/", "Firefox"),
    ("fxios/", "Firefox"),
    ("crios/", "Chrome"),
    ("chromium/", "Chromium"),
    ("chrome/", "Chrome"),
    ("safari/", "Safari"),
)


def device_of(user_agent: str) -> str:
    ua = user_agent.lower()
    if not ua:
        return Device.OTHER
    if any(word in ua for word in BOTS):
        return Device.BOT
    if "ipad" in ua or "tablet" in ua or ("android" in ua and "mobile" not in ua):
        return Device.TABLET
    if "mobile" in ua or "iphone" in ua or "android" in ua:
        return Device.PHONE
    if any(system in ua for system in ("windows", "macintosh", "x11", "linux", "cros")):
        return Device.DESKTOP
    return Device.OTHER


def browser_of(user_agent: str) -> str:
    ua = user_agent.lower()
    if any(word in ua for word in BOTS):
        return "Robot"
    return next((family for marker, family in BROWSERS if marker in ua), "Other")
