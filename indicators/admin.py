from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from indicators.models import Indicator


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["label", "kind", "unit", "frequency", "plan", "action", "is_key"]
    list_filter = ["kind", "unit", "frequency", "is_key"]
    search_fields = ["label", "plan__title"]
    list_select_related = ["plan", "action"]
    raw_id_fields = ["plan", "action"]
