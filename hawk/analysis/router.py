"""The analysis router: which backend answers a run, by its template category or intent
(HAWK_ANALYSIS_ROUTES). Pure look-ups go to the built-in analyst at no LLM cost; analysis
goes to Dify, to the app of one category's key when a cheaper app is wanted."""

from dataclasses import dataclass

from django.conf import settings

DEFAULT_ROUTE = "default"


@dataclass(frozen=True)
class Route:
    key: str  # the category or intent that matched, or "default": a bounded metric label
    backend: str  # "builtin" or "dify"
    dify_app: str | None = None  # the category whose DIFY_API_KEY_<CATEGORY> app answers


def route_for(*, intent: str, category: str | None) -> Route:
    """The category's route first (a template says what kind of work it is), then the
    intent's, else Dify with the category's app."""
    routes = settings.HAWK_ANALYSIS_ROUTES
    for key in (category, intent):
        if key and key in routes:
            backend, _, app = routes[key].partition(":")
            return Route(key, backend, app or category)
    return Route(DEFAULT_ROUTE, "dify", category)
