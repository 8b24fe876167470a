"""Reads that assemble the indicators app's pages, split by activity: tracking and dashboards."""

from indicators.selectors.dashboards import PlanDashboard, key_indicators, plan_dashboard
from indicators.selectors.definitions import IndicatorsStep, indicators_step
from indicators.selectors.overview import SORTS, OverviewPage, plans_overview
from indicators.selectors.reports import PREVIEW_ROWS, ReportPreview, report_preview
from indicators.selectors.tracking import (
    QuarterSheet,
    current_period,
    progress_initial,
    quarter_missing,
    quarter_sheet,
    quarter_targets,
    unsaved_input,
)

__all__ = [
    "PREVIEW_ROWS",
    "ReportPreview",
    "report_preview",
    "IndicatorsStep",
    "indicators_step",
    "SORTS",
    "OverviewPage",
    "PlanDashboard",
    "QuarterSheet",
    "current_period",
    "key_indicators",
    "plan_dashboard",
    "plans_overview",
    "progress_initial",
    "quarter_missing",
    "quarter_sheet",
    "quarter_targets",
    "unsaved_input",
]
