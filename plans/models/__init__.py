"""Plans' models, split by activity: drafting (the plan and its structure), periods (its quarters), budget,
conventions, and sync (versions and the deletions feed)."""

from plans.models.budget import BudgetExecution, BudgetLine, Funding, FundingInstalment
from plans.models.conventions import Commitment, CommitmentStatus, Convention, ConventionKind, ConventionParty
from plans.models.drafting import (
    PRIVACY_HELP,
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
    SpreadsheetImport,
    Territory,
    tree_prefetch,
)
from plans.models.periods import PeriodEvent, ReportingPeriod
from plans.models.sync import Deletion, Versioned, record_deletions

__all__ = [
    "PRIVACY_HELP",
    "Action",
    "ActionPartner",
    "Axis",
    "BudgetExecution",
    "BudgetLine",
    "CatalogueMeasure",
    "Commitment",
    "CommitmentStatus",
    "Deletion",
    "Convention",
    "ConventionKind",
    "ConventionParty",
    "Funding",
    "FundingInstalment",
    "Meeting",
    "Membership",
    "PeriodEvent",
    "Pillar",
    "Plan",
    "PlanRequest",
    "PlanTemplate",
    "SpreadsheetImport",
    "ReportingPeriod",
    "Territory",
    "tree_prefetch",
    "Versioned",
    "record_deletions",
]
