from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from plans.models import (
    Action,
    ActionPartner,
    Axis,
    CatalogueMeasure,
    Meeting,
    Membership,
    Pillar,
    Plan,
    PlanRequest,
    PlanTemplate,
    Territory,
)


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country", "official_code", "population", "size_class"]
    list_filter = ["kind", "country", "size_class"]
    search_fields = ["name", "official_code"]
    autocomplete_fields = ["authorities"]


@admin.register(PlanRequest)
class PlanRequestAdmin(SimpleHistoryAdmin):
    """Read here; decided on the product's own page (plans:requests), which creates the plan and tells the
    requester."""

    list_display = ["title", "territory_name", "requested_by", "requested_at", "state"]
    list_filter = ["state", "country"]
    search_fields = ["title", "territory_name", "official_code"]
    readonly_fields = ["requested_by", "requested_at", "decided_by", "decided_at", "plan"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "territory", "period_start", "period_end", "status"]
    list_filter = ["status", "territory__country"]
    search_fields = ["title", "territory__name"]
    list_select_related = ["territory"]
    raw_id_fields = ["territory", "adopted_meeting", "partners"]
    inlines = [MembershipInline]


@admin.register(Pillar)
class PillarAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "plan", "order"]
    list_select_related = ["plan"]
    raw_id_fields = ["plan"]


@admin.register(Axis)
class AxisAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "pillar"]
    list_select_related = ["pillar"]
    raw_id_fields = ["pillar"]


class ActionPartnerInline(admin.TabularInline):
    model = ActionPartner
    extra = 0
    raw_id_fields = ["partner"]


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "plan", "status", "due_date", "lead"]
    list_filter = ["status", "competence"]
    search_fields = ["title", "plan__title"]
    list_select_related = ["plan", "lead"]
    raw_id_fields = ["plan", "axis", "lead", "source_measure"]
    inlines = [ActionPartnerInline]


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "plan", "date", "kind"]
    list_select_related = ["plan"]
    raw_id_fields = ["plan"]


@admin.register(PlanTemplate)
class PlanTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order"]


@admin.register(CatalogueMeasure)
class CatalogueMeasureAdmin(admin.ModelAdmin):
    list_display = ["title", "pillar_kind", "commune_size", "competence", "cost_class", "first_year"]
    list_filter = ["pillar_kind", "commune_size", "competence", "cost_class", "first_year"]
    search_fields = ["title", "description"]
