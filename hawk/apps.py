from django.apps import AppConfig


class HawkConfig(AppConfig):
    name = "hawk"
    verbose_name = "HAWK hedge data and agent"
