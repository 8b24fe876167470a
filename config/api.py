"""The API's router: each app registers its viewsets here (see <app>/api.py); what they share is in
config.rest."""

from rest_framework.routers import DefaultRouter

from indicators.api import MeasurementViewSet
from plans.api import ActionViewSet, PlanViewSet

router = DefaultRouter()
router.register("plans", PlanViewSet, basename="plan")
router.register("actions", ActionViewSet, basename="action")
router.register("measurements", MeasurementViewSet, basename="measurement")
