from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from config import views
from config.api import router
from indicators import api as indicators_api
from indicators.quarter_api import QuarterImportView, QuarterReturnView, QuarterSubmitView, QuarterValidateView
from indicators.views import dashboards
from plans.views import plans as plans_views

# Swagger UI sets a few inline styles; scripts stay our own files only (the split view serves its set-up script).
API_DOCS = csp_override({**settings.SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]})(
    SpectacularSwaggerSplitView.as_view(url_name="api_schema")
)

handler404 = "config.views.page_not_found"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("langue/", views.set_language, name="set_language"),
    path("compte/", include("partners.urls")),
    path("partage/<str:token>/", dashboards.shared_dashboard, name="shared_dashboard"),
    path("tableau-de-bord/", dashboards.overview, name="overview"),
    path("api/v1/plans/<int:pk>/reports/", indicators_api.PlanReportsView.as_view(), name="api_reports"),
    *[
        path(f"api/v1/plans/<int:pk>/reports/{report}/", view.as_view(), name=f"api_report_{report}")
        for report, view in indicators_api.REPORT_VIEWS.items()
    ],
    path("api/v1/plans/<int:pk>/reports/<str:report>/", indicators_api.ReportFileView.as_view(), name="api_report"),
    path(
        "api/v1/plans/<int:pk>/quarters/<int:year>/<int:quarter>/values/",
        QuarterImportView.as_view(),
        name="api_quarter_import",
    ),
    *[
        path(
            f"api/v1/plans/<int:pk>/quarters/<int:year>/<int:quarter>/actions/<int:action>/{view.decision}/",
            view.as_view(),
            name=f"api_quarter_{view.decision}",
        )
        for view in (QuarterSubmitView, QuarterValidateView, QuarterReturnView)
    ],
    path("api/v1/exports/<int:job_pk>/", indicators_api.ExportJobView.as_view(), name="api_export"),
    path("api/v1/exports/<int:job_pk>/file/", indicators_api.ExportFileView.as_view(), name="api_export_file"),
    path("api/v1/", include(router.urls)),
    # The OpenAPI 3.1 schema and its documentation, from local static files (drf-spectacular-sidecar).
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", API_DOCS, name="api_docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api_schema"), name="api_redoc"),
    path("admin/", admin.site.urls),
    path("plans/", include("plans.urls")),
    path("plans/", include("indicators.urls")),
    path("", plans_views.home, name="home"),
]
