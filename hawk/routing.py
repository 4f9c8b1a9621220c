"""WebSocket routes."""

from django.urls import path

from hawk.api.consumers import AgentConsumer

websocket_urlpatterns = [path("ws/hawk-agent/", AgentConsumer.as_asgi())]
