from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutingConfig(AppConfig):
    name = "routing"
    verbose_name = _("Ärenden och vägledning")

    def ready(self) -> None:
        # Register the Celery tasks in every process, the web's too: the outbox dispatches them
        # by name, which then runs them in place when Celery is eager (unit tests).
        from routing import county_pages, tasks  # noqa: F401

        county_pages.county_parts_register()
