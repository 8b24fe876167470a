from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Indicateurs et suivi")

    def ready(self):
        from indicators import evidence  # noqa: F401 (its signal removes a deleted file from storage)
        from indicators.services import QuarterData
        from plans import hooks

        # Deleting an action or shortening a plan asks what this app holds in closed quarters (plans.hooks).
        hooks.register(QuarterData())

        from indicators.models import Indicator, Measurement, ProgressUpdate
        from plans.models import record_deletions

        for model, resource, plan_path in (
            (Indicator, "indicators", "plan_id"),
            (Measurement, "measurements", "indicator.plan_id"),
            (ProgressUpdate, "progress-updates", "action.plan_id"),
        ):
            record_deletions(model, resource, plan_path)
