"""Plans' forms, split by activity; the fields French users type live in plans.forms.fields."""

from plans.forms.budget import (
    BudgetLineForm,
    ExecutionForm,
    FundingForm,
    InstalmentFormSet,
    instalments_from,
)
from plans.forms.drafting import (
    PRIVACY_NOTE,
    ActionFilterForm,
    ActionForm,
    AdoptionForm,
    AxisForm,
    CatalogueFilterForm,
    CataloguePickForm,
    MeetingForm,
    MemberInviteForm,
    MemberRoleForm,
    PartnerAddForm,
    PillarForm,
    PlanCreateForm,
    PlanFrameForm,
)
from plans.forms.fields import FrenchDateField, FrenchDecimalField, MonthOrDateField, normalize_french_number

__all__ = [
    "PRIVACY_NOTE",
    "ActionFilterForm",
    "ActionForm",
    "AdoptionForm",
    "AxisForm",
    "BudgetLineForm",
    "CatalogueFilterForm",
    "CataloguePickForm",
    "ExecutionForm",
    "FrenchDateField",
    "FrenchDecimalField",
    "FundingForm",
    "InstalmentFormSet",
    "MeetingForm",
    "MemberInviteForm",
    "MemberRoleForm",
    "MonthOrDateField",
    "PartnerAddForm",
    "PillarForm",
    "PlanCreateForm",
    "PlanFrameForm",
    "instalments_from",
    "normalize_french_number",
]
