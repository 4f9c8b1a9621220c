"""GET /docs: the Swagger UI. Its page holds no data, but the schema it loads needs a login, so
without a session it says so and links to the console's login, which comes back here; a client
asking for JSON gets the same as a 401 error with the link (`login_url`)."""

from urllib.parse import quote

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from drf_spectacular.views import SpectacularSwaggerView
from rest_framework.permissions import AllowAny

from hawk.web.errors import error_body

LOGIN_MESSAGE = "Log in to read the API docs: the schema they show is for signed-in users."

swagger_ui = SpectacularSwaggerView.as_view(url_name="schema", permission_classes=[AllowAny])


def docs(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return swagger_ui(request)
    login_url = f"{reverse('login')}?next={quote(request.get_full_path(), safe='/')}"
    if _wants_json(request):
        body = error_body("not_authenticated", LOGIN_MESSAGE)
        body["error"]["login_url"] = login_url
        return JsonResponse(body, status=401)
    context = {"message": LOGIN_MESSAGE, "login_url": login_url}
    return render(request, "docs/log_in_first.html", context, status=401)


def _wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept
