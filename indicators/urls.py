from django.urls import path

from indicators.views import dashboards, definitions, evidence, imports, reports, tracking

app_name = "indicators"

urlpatterns = [
    path("<int:pk>/indicateurs/", definitions.plan_indicators, name="plan_indicators"),
    path("<int:pk>/indicateurs/suggestions/", definitions.accept_suggestions, name="accept_suggestions"),
    path("<int:pk>/indicateurs/ventilations/", definitions.dimensions, name="dimensions"),
    path("<int:pk>/indicateurs/ventilations/<int:dimension_pk>/", definitions.dimension_edit, name="dimension_edit"),
    path(
        "<int:pk>/indicateurs/ventilations/<int:dimension_pk>/supprimer/",
        definitions.dimension_delete,
        name="dimension_delete",
    ),
    path("<int:pk>/indicateurs/nouveau/", definitions.indicator_create, name="indicator_create"),
    path("<int:pk>/indicateurs/<int:indicator_pk>/modifier/", definitions.indicator_edit, name="indicator_edit"),
    path("<int:pk>/indicateurs/<int:indicator_pk>/supprimer/", definitions.indicator_delete, name="indicator_delete"),
    path("<int:pk>/actions/import/", imports.import_upload, name="import_upload"),
    path("<int:pk>/actions/import/<int:import_pk>/", imports.import_preview, name="import_preview"),
    path("nouveau/import/<int:import_pk>/", imports.new_plan_import, name="new_plan_import"),
    path("modele-de-tableau.<str:fmt>", imports.import_template, name="import_template"),
    path("<int:pk>/suivi/", tracking.tracking, name="tracking"),
    path("<int:pk>/suivi/<int:year>/T<int:quarter>/", tracking.quarter, name="quarter"),
    path("<int:pk>/suivi/<int:year>/T<int:quarter>/cloture/", tracking.quarter_close, name="quarter_close"),
    path(
        "<int:pk>/suivi/<int:year>/T<int:quarter>/actions/<int:action_pk>/validation/",
        tracking.review_decide,
        name="review_decide",
    ),
    path(
        "<int:pk>/suivi/<int:year>/T<int:quarter>/actions/<int:action_pk>/pieces/",
        evidence.quarter_evidence,
        name="quarter_evidence",
    ),
    path("<int:pk>/actions/<int:action_pk>/pieces/", evidence.action_evidence, name="action_evidence"),
    path("<int:pk>/reunions/<int:meeting_pk>/pieces/", evidence.meeting_evidence, name="meeting_evidence"),
    path(
        "<int:pk>/conventions/<int:convention_pk>/document/", evidence.convention_evidence, name="convention_evidence"
    ),
    path("<int:pk>/pieces/<uuid:evidence_id>/", evidence.evidence_file, name="evidence_file"),
    path("<int:pk>/pieces/<uuid:evidence_id>/supprimer/", evidence.evidence_remove, name="evidence_remove"),
    path("<int:pk>/suivi/<int:year>/T<int:quarter>/reouverture/", tracking.quarter_reopen, name="quarter_reopen"),
    path("<int:pk>/tableau-de-bord/", dashboards.dashboard, name="dashboard"),
    path("<int:pk>/tableau-de-bord/partage/", dashboards.share_links, name="share_links"),
    path(
        "<int:pk>/tableau-de-bord/partage/<int:link_pk>/revoquer/",
        dashboards.share_link_revoke,
        name="share_link_revoke",
    ),
    path("<int:pk>/rapports/", reports.reports, name="reports"),
    path("<int:pk>/rapports/trimestre/<int:year>/T<int:quarter>/", reports.quarter, name="report_quarter"),
    path("<int:pk>/rapports/bilan/<int:year>/", reports.annual, name="report_annual"),
    path("<int:pk>/rapports/bilan/<int:year>/envoi/", reports.annual_send, name="report_annual_send"),
    path("<int:pk>/rapports/envois/<int:sending_pk>/", reports.sending_file, name="review_sending_file"),
    path("<int:pk>/rapports/suivi/", reports.suivi, name="report_suivi"),
    path("<int:pk>/rapports/dictionnaire/", reports.opendata_dictionary, name="opendata_dictionary"),
    path("<int:pk>/rapports/exports/<int:job_pk>/", reports.export_status, name="export_status"),
    path("<int:pk>/rapports/exports/<int:job_pk>/fichier/", reports.export_file, name="export_file"),
]
