"""WSGI entry point, for management tooling only: the service runs on ASGI (hawk.asgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hawk.settings")

application = get_wsgi_application()
