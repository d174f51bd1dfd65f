from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "regions"
    verbose_name = _("Län, aktörer och kontor")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from regions.access import stamp_session_at_login
        from regions.versions import read_stamps_once_per_request

        user_logged_in.connect(stamp_session_at_login, dispatch_uid="regions.stamp_session")
        read_stamps_once_per_request()
