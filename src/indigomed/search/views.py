"""The home page and the search results page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from indigomed.directory.geo import PlaceQuestion
from indigomed.directory.queries import search_choices
from indigomed.search.country import country_hint
from indigomed.search.forms import SearchForm
from indigomed.search.queries import search
from indigomed.web.feedback import on_form


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "search/home.html", {"form": SearchForm(), **search_choices()})


def results(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    page = None
    question = None
    status = 400
    if form.is_valid():
        # A refusal about one field is shown beside that field, like the form's own errors.
        with on_form(form) as attempt:
            try:
                page = search(form.criteria(country_hint=country_hint(request)))
            except PlaceQuestion as asked:
                question = _question(request, asked)
        status = attempt.status
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "search/results.html",
        {"form": form, "page": page, "question": question, "query": query.urlencode(), **search_choices()},
        status=status,
    )


def _question(request: HttpRequest, asked: PlaceQuestion) -> dict[str, object]:
    """The question a postal code raises, with a link that searches each place it may mean."""
    choices = []
    for place in asked.places:
        query = request.GET.copy()
        query.pop("page", None)
        query["country"] = place.country
        if query.get("postal_code"):
            query["postal_code"] = asked.postal_code
        choices.append({"label": place.full_label, "url": f"?{query.urlencode()}"})
    return {"message": asked.message, "choices": choices}
