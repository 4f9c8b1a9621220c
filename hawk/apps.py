from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class HawkConfig(AppConfig):
    name = "hawk"
    verbose_name = "HAWK hedge data and agent"

    def ready(self) -> None:
        from hawk.datacache.invalidation import model_saved_or_deleted
        from hawk.models.fields import HawkTable
        from hawk.web import auth_signals

        auth_signals.connect()

        for model in self.get_models():
            if issubclass(model, HawkTable):
                post_save.connect(model_saved_or_deleted, sender=model, weak=False)
                post_delete.connect(model_saved_or_deleted, sender=model, weak=False)
