"""WebSocket routes (the agent's consumer is added by the streaming capability)."""

from django.urls import URLPattern

websocket_urlpatterns: list[URLPattern] = []
