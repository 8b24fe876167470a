"""Reads that assemble a page from several queries, each a fixed number whatever the plan's size."""

from plans.selectors.actions import (
    ACTION_SORTS,
    ActionPage,
    action_changes,
    action_list,
    action_page,
    action_timeline,
)
from plans.selectors.budget import BudgetPage, BudgetSummary, Money, budget_page, budget_summary
from plans.selectors.history import HISTORY_LIMIT, plan_history
from plans.selectors.plans import (
    PLANS_PER_PAGE,
    PlanOverview,
    Readiness,
    filtered_plans,
    indicator_counts,
    plan_counts,
    plan_departments,
    plan_overview,
    plan_readiness,
    plan_structure,
    plans_list,
)

__all__ = [
    "ACTION_SORTS",
    "HISTORY_LIMIT",
    "PLANS_PER_PAGE",
    "ActionPage",
    "BudgetPage",
    "BudgetSummary",
    "Money",
    "PlanOverview",
    "Readiness",
    "action_changes",
    "action_list",
    "action_page",
    "action_timeline",
    "budget_page",
    "budget_summary",
    "filtered_plans",
    "indicator_counts",
    "plan_counts",
    "plan_departments",
    "plan_history",
    "plan_overview",
    "plan_readiness",
    "plan_structure",
    "plans_list",
]
