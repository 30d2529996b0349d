"""Telling a person what went wrong with what they sent: form errors, and the refusals services
raise (``indigomed.errors``) turned into the page's answer, in one place.

A refusal carries its message and its HTTP status; a page answers it in one of three ways:
- an action that sends the person back (``with flashed(request):``) shows the message on the page
  they land on;
- a form page (``with on_form(form) as attempt:``) shows it beside the field it names, or above the
  form, and answers with the refusal's status;
- anything a view lets escape (``@refusals_as_pages``) is the site's own error page: "not found"
  for ``NotFound`` (an outsider learns nothing more), "not allowed" for ``Forbidden``, "bad
  request" for the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from types import TracebackType
from typing import Any, Self

from django import forms
from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from indigomed.errors import DomainError, Forbidden, NotFound

View = Callable[..., HttpResponse]


def flash_form_errors(request: HttpRequest, form: forms.Form, *, labelled: bool = False) -> None:
    """Every error of a form, as messages shown on the page the person is sent back to;
    ``labelled``, each after its field's label, for pages holding several forms."""
    for name, errors in form.errors.items():
        label = form[name].label if labelled and name in form.fields else None
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))


class caught:
    """Keeps a refusal raised in its block (``refusal``) instead of letting it escape; any other
    exception goes on. ``status`` is what the page answers: the refusal's, or ``ok``."""

    def __init__(self, ok: int = 200) -> None:
        self.refusal: DomainError | None = None
        self.ok = ok

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> bool:
        if not isinstance(error, DomainError):
            return False
        self.refusal = error
        self.answer(error)
        return True

    def answer(self, refusal: DomainError) -> None:
        """What else the page does with the refusal; here, nothing."""

    @property
    def status(self) -> int:
        return self.refusal.status if self.refusal else self.ok


class flashed(caught):
    """A refusal, shown as a message on the page the person is sent back to."""

    def __init__(self, request: HttpRequest) -> None:
        super().__init__()
        self.request = request

    def answer(self, refusal: DomainError) -> None:
        messages.error(self.request, refusal.message)


class on_form(caught):
    """A refusal, shown on the form: beside the field it names (``details['field']``), else above it."""

    def __init__(self, form: forms.Form, ok: int = 200) -> None:
        super().__init__(ok)
        self.form = form

    def answer(self, refusal: DomainError) -> None:
        field = refusal.details.get("field")
        self.form.add_error(field if field in self.form.fields else None, refusal.message)


def refusals_as_pages(view: View) -> View:
    """A refusal escaping the view answers with the site's error page for its kind."""

    @wraps(view)
    def answered(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            raise BadRequest(exc.message) from exc

    return answered
