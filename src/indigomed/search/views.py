"""The home page and the search results page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from indigomed.directory.queries import search_choices
from indigomed.search.forms import SearchForm
from indigomed.search.queries import search
from indigomed.web.feedback import on_form


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "search/home.html", {"form": SearchForm(), **search_choices()})


def results(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    page = None
    status = 400
    if form.is_valid():
        # A refusal about one field is shown beside that field, like the form's own errors.
        with on_form(form) as attempt:
            page = search(form.criteria())
        status = attempt.status
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "search/results.html",
        {"form": form, "page": page, "query": query.urlencode(), **search_choices()},
        status=status,
    )
