"""The API's router: each app registers its viewsets here (see <app>/api.py); what they share is in
core.rest."""

from rest_framework.routers import DefaultRouter

from indicators.api import IndicatorViewSet, MeasurementViewSet, ProgressUpdateViewSet
from plans.api import (
    ActionViewSet,
    AxisViewSet,
    BudgetLineViewSet,
    DeletionViewSet,
    FundingViewSet,
    MeetingViewSet,
    PartnerViewSet,
    PeriodViewSet,
    PillarViewSet,
    PlanViewSet,
    TerritoryViewSet,
)

router = DefaultRouter()
router.register("territories", TerritoryViewSet, basename="territory")
router.register("plans", PlanViewSet, basename="plan")
router.register("pillars", PillarViewSet, basename="pillar")
router.register("axes", AxisViewSet, basename="axis")
router.register("actions", ActionViewSet, basename="action")
router.register("partners", PartnerViewSet, basename="partner")
router.register("periods", PeriodViewSet, basename="period")
router.register("fundings", FundingViewSet, basename="funding")
router.register("budget-lines", BudgetLineViewSet, basename="budget-line")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("indicators", IndicatorViewSet, basename="indicator")
router.register("progress-updates", ProgressUpdateViewSet, basename="progress-update")
router.register("measurements", MeasurementViewSet, basename="measurement")
router.register("deletions", DeletionViewSet, basename="deletion")
