"""The home page and the search results page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from indigomed.directory.queries import search_choices
from indigomed.errors import DomainError
from indigomed.search.forms import SearchForm
from indigomed.search.queries import search


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "search/home.html", {"form": SearchForm(), **search_choices()})


def results(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    page = None
    error = None
    status = 200
    if form.is_valid():
        try:
            page = search(form.criteria())
        except DomainError as exc:
            status = exc.status
            field = exc.details.get("field")
            # A refusal about one field is shown beside that field, like the form's own errors.
            if field in form.fields:
                form.add_error(field, exc.message)
            else:
                error = exc.message
    else:
        status = 400
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "search/results.html",
        {"form": form, "page": page, "error": error, "query": query.urlencode(), **search_choices()},
        status=status,
    )
