"""ASGI entry point: HTTP through Django, WebSocket through Channels."""

import os

import django

from hawk.web.asgi_handler import PooledThreadsASGIHandler, skip_request_started_hop

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hawk.settings")
# What django.core.asgi.get_asgi_application() does, with request threads that are kept.
django.setup(set_prefix=False)
django_asgi_app = PooledThreadsASGIHandler()
skip_request_started_hop()

from channels.auth import AuthMiddlewareStack  # noqa: E402  (needs Django set up first)
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402

from hawk.api.lifespan import lifespan  # noqa: E402
from hawk.routing import websocket_urlpatterns  # noqa: E402
from hawk.web.origin import BrowserOriginValidator  # noqa: E402

# Static files (admin and Swagger UI assets) are served by the app itself: about 30 users do
# not need a separate static server, and the embedded set-up then works with no collectstatic.
application = ProtocolTypeRouter(
    {
        "http": ASGIStaticFilesHandler(django_asgi_app),
        # A browser's Origin must be this service's own origin or the Angular app's; a
        # server-side client sends none and must then authenticate with a token.
        "websocket": BrowserOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
        "lifespan": lifespan,
    }
)
