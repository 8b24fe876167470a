from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Plans d'actions")

    def ready(self):
        from plans.models import Action, Axis, BudgetLine, Funding, Meeting, Pillar, record_deletions

        # The API's deletions feed (plans.models.sync): a mirror learns what to remove.
        for model, resource, plan_path in (
            (Action, "actions", "plan_id"),
            (Pillar, "pillars", "plan_id"),
            (Axis, "axes", "pillar.plan_id"),
            (BudgetLine, "budget-lines", "plan_id"),
            (Funding, "fundings", "plan_id"),
            (Meeting, "meetings", "plan_id"),
        ):
            record_deletions(model, resource, plan_path)
