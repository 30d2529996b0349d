"""/me/sessions/: the browsers a person is signed in on, and ending any or all of the others (SEC-1)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext

from indigomed.accounts.sessions import active_sessions, end_sessions


@login_required
def sessions(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    current = request.session.session_key
    if request.method == "POST":
        listed = [s.session_key for s in active_sessions(user)]
        keys = listed if request.POST.get("all") else [k for k in request.POST.getlist("session") if k in listed]
        ended = end_sessions(actor=user, keys=keys, keep=current)
        messages.success(
            request,
            ngettext("Signed out of %(count)d other session.", "Signed out of %(count)d other sessions.", ended)
            % {"count": ended},
        )
        return redirect("my_sessions")
    rows = active_sessions(user)
    return render(request, "accounts/sessions.html", {"rows": rows, "current": current})
