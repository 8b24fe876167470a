from django.contrib import admin
from django.urls import include, path

from config import views
from config.api import router
from indicators.views import dashboards
from plans.views import plans as plans_views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("langue/", views.set_language, name="set_language"),
    path("compte/", include("partners.urls")),
    path("partage/<str:token>/", dashboards.shared_dashboard, name="shared_dashboard"),
    path("tableau-de-bord/", dashboards.overview, name="overview"),
    path("api/v1/", include(router.urls)),
    path("admin/", admin.site.urls),
    path("plans/", include("plans.urls")),
    path("plans/", include("indicators.urls")),
    path("", plans_views.home, name="home"),
]
