"""Bringing a plan in from a spreadsheet: the SeNe "Modèle de suivi" layout, or the product's own exports.

`interpret()` reads the rows core.spreadsheets made of the file and returns the tree of pillars → axes →
actions → indicators it would create, the organisations it matches or would create, and every problem with its
sheet, row and column. Nothing is written until `import_apply()`, which reads the same file again, in one
transaction: all or nothing.

Headers are matched loosely (case, accents, spacing, line breaks, plural, small wording differences), in any
order, on any of the first rows, over one or two rows. Group cells left blank (or merged) mean "same as above".
"""

import calendar
import contextlib
import datetime
import json
import logging
import re
import unicodedata
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.tasks import task
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from core.inputs import MAX_YEAR, MIN_YEAR, decimal_fits
from core.spreadsheets import Sheet, SpreadsheetError, cell_text, read_spreadsheet
from indicators.enums import Direction, Frequency, IndicatorKind, Unit
from indicators.models import Indicator
from partners.enums import PartnerKind, kind_choices, kind_for_country
from partners.models import Partner, User
from plans import services
from plans.enums import ActionStatus, BudgetNature, Competence, PillarKind
from plans.models import Action, Axis, BudgetLine, Pillar, Plan, SpreadsheetImport
from plans.services.common import check_edit
from plans.services.members import partner_for_plan, territory_partners

logger = logging.getLogger(__name__)
HEADER_SEARCH_ROWS = 30
PREVIEW_ACTIONS = 200  # rows of the preview's tree; a 5,000-row file would be 3 MB of HTML
PREVIEW_PROBLEMS = 100
# What Indicator.target_value holds.
TARGET_DIGITS = {"max_digits": 14, "decimal_places": 2}
MAX_AMOUNT = Decimal("1000000000")  # a billion euros: beyond, a typing mistake


def normalised(text) -> str:
    """Lower case, no accents, words separated by one space: "Échéances\\n(date)" → "echeances date"."""
    text = unicodedata.normalize("NFKD", cell_text(text)).encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


# --- Columns --------------------------------------------------------------------------------------------------

# Each column the importer knows: what the preview calls it, and the words that recognise its header. Tried in
# this order; the first that matches wins, and each is taken once. `exact`: the product's open-data names.
COLUMNS = [
    ("lead_summary", gettext_lazy("Gestionnaire et sommaire d'actions"), [("gestionnaire", "sommaire")], ()),
    ("field_target", gettext_lazy("Champ d'intervention et population ciblée"), [("champ", "population")], ()),
    (
        "competence_financing",
        gettext_lazy("Compétences et financement envisagé"),
        [("competence", "financement")],
        (),
    ),
    ("pillar_kind", gettext_lazy("Type de pilier"), [("type", "pilier")], ("pillar_kind",)),
    ("pillar", gettext_lazy("Pilier"), [("pilier",)], ("pillar",)),
    ("axis_number", gettext_lazy("Numéro d'axe"), [("numero", "axe")], ("axis_number",)),
    ("axis", gettext_lazy("Domaine ou axe"), [("domaine",), ("axe",), ("thematique",)], ("axis",)),
    ("indicator_settings", gettext_lazy("Réglages des indicateurs"), [], ("indicator_settings",)),
    ("indicators", gettext_lazy("Indicateurs"), [("indicateur",)], ("indicators",)),
    ("due", gettext_lazy("Échéance"), [("echeance",), ("date", "fin"), ("delai",)], ("due_date",)),
    ("start", gettext_lazy("Début"), [("debut",)], ("start_date",)),
    ("comments", gettext_lazy("Commentaires"), [("commentaire",), ("observation",), ("remarque",)], ("comments",)),
    ("lead", gettext_lazy("Gestionnaire"), [("gestionnaire",), ("pilote",), ("porteur",)], ("lead",)),
    ("summary", gettext_lazy("Sommaire"), [("sommaire",), ("description",)], ("summary",)),
    ("title", gettext_lazy("Action"), [("intitule",)], ("title", "action")),
    ("field", gettext_lazy("Champ d'intervention"), [("champ",)], ("field_of_intervention",)),
    ("target", gettext_lazy("Population ciblée"), [("population",), ("public",)], ("target_groups",)),
    ("competence", gettext_lazy("Compétence"), [("competence",)], ("competence",)),
    ("financing", gettext_lazy("Financement envisagé"), [("financement",)], ("financing_note",)),
    ("budget", gettext_lazy("Lignes budgétaires"), [("lignes", "budgetaires")], ("budget_lines",)),
    ("status", gettext_lazy("Statut"), [("statut",)], ("status",)),
    ("progress", gettext_lazy("Avancement"), [("avancement",)], ("progress",)),
    ("cost_class", gettext_lazy("Classe de coût"), [("classe", "cout")], ("cost_class",)),
    ("first_year", gettext_lazy("Dès la première année"), [("premiere", "annee")], ("first_year",)),
    ("pillar_description", gettext_lazy("Description du pilier"), [], ("pillar_description",)),
    ("axis_description", gettext_lazy("Description de l'axe"), [], ("axis_description",)),
]
# The product's own open-data columns that say what the application computed (an id, a label next to its code,
# lateness, the last progress note): read back by nothing, and not worth a warning.
COMPUTED_COLUMNS = {
    "action_id", "lead_acronym", "competence_label", "planned_amount", "status_label", "late", "last_note",
    "last_blockers",
}  # fmt: skip
LABELS = {key: label for key, label, _words, _exact in COLUMNS}
# Without one of these, a row describes no action.
ACTION_KEYS = ("lead_summary", "title", "summary")
GROUP_KEYS = ("pillar", "pillar_kind", "axis", "axis_number")


def column_key(header) -> str | None:
    text = normalised(header)
    if not text:
        return None
    for key, _label, _words, exact in COLUMNS:
        if text in exact or text.replace(" ", "_") in exact:
            return key
    for key, _label, words, _exact in COLUMNS:
        if any(all(word in text for word in group) for group in words):
            return key
    return None


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class Header:
    first_row: int  # index in sheet.rows
    rows: int  # 1 or 2
    keys: dict  # column index → key
    extra: list  # (column letter, header) of the columns not read


def _header_cells(sheet: Sheet, start: int, count: int) -> list[str]:
    rows = sheet.rows[start : start + count]
    width = max((len(r) for r in rows), default=0)
    return [
        " ".join(cell_text(row[i]) for row in rows if i < len(row) and row[i] is not None).strip()
        for i in range(width)
    ]


def _map(headers: list[str]) -> tuple[dict, list]:
    keys, extra = {}, []
    for index, header in enumerate(headers):
        key = column_key(header)
        if key and key not in keys.values():
            keys[index] = key
        elif header and normalised(header).replace(" ", "_") not in COMPUTED_COLUMNS:
            extra.append((column_letter(index), header))
    return keys, extra


def find_header(sheet: Sheet) -> Header | None:
    """The header: the row (or two rows read together) among the first ones that names the most known columns,
    at least three of them including one that describes an action."""
    best = None
    for start in range(min(HEADER_SEARCH_ROWS, len(sheet.rows))):
        for count in (1, 2):
            # Two rows read together only when both hold something: an empty row above the header would
            # otherwise make it one row too early (issue 27).
            if count == 2 and not all(any(cell_text(c) for c in sheet.rows[i]) for i in (start, start + 1)
                                      if i < len(sheet.rows)):  # fmt: skip
                continue
            keys, extra = _map(_header_cells(sheet, start, count))
            if len(keys) < 3 or not set(keys.values()) & set(ACTION_KEYS):
                continue
            # Two rows read together only when they name more columns than the second alone: a title or a
            # group merged above the header is not part of it (the preview names the header's own row).
            if (
                best is None
                or len(keys) > len(best.keys)
                or (len(keys) == len(best.keys) and count == 1 and best.rows == 2 and start == best.first_row + 1)
            ):
                best = Header(start, count, keys, extra)
    return best


# --- Values ---------------------------------------------------------------------------------------------------

MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "avril": 4, "avr": 4,
    "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9, "sept": 9, "sep": 9,
    "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "decembre": 12, "dec": 12,
    # English, as a spreadsheet set up in another language writes them ("Dec 2026").
    "january": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5, "june": 6,
    "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "october": 10, "november": 11,
    "december": 12,
}  # fmt: skip
ONGOING = {"en continu", "continu", "permanent", "permanente", "en permanence", "tout au long de l annee", "annuel"}
_YEAR = r"((?:19|20|21)[0-9]{2})"


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError


@dataclass
class Schedule:
    first: datetime.date | None = None  # the first day of the period written
    last: datetime.date | None = None  # its last day: a due date
    span: bool = False  # two years written ("2025-2026"): the action's whole period
    note: str = ""  # "en continu": no date, said in the comments


def parse_schedule(value) -> Schedule:
    """A date or a period as French spreadsheets write it; ValueError when nothing is recognised."""
    if value is None:
        return Schedule()
    if isinstance(value, datetime.date):
        _check_year(value.year)
        return Schedule(value, value)
    if isinstance(value, Decimal):
        if value == value.to_integral_value() and MIN_YEAR <= value <= MAX_YEAR:
            return Schedule(datetime.date(int(value), 1, 1), datetime.date(int(value), 12, 31))
        raise ValueError
    text = normalised(value)
    raw = str(value).strip()
    if text in ONGOING:
        return Schedule(note=raw)
    if m := re.fullmatch(r"([0-9]{1,2})[/.\-]([0-9]{1,2})[/.\-]" + _YEAR, raw, re.ASCII):
        day = datetime.date(int(m[3]), int(m[2]), int(m[1]))
        return Schedule(day, day)
    if m := re.fullmatch(_YEAR + r"-([0-9]{2})-([0-9]{2})", raw, re.ASCII):
        day = datetime.date(int(m[1]), int(m[2]), int(m[3]))
        return Schedule(day, day)
    month = None
    if m := re.fullmatch(r"([0-9]{1,2})[/.\-]" + _YEAR, raw, re.ASCII):
        month, year = int(m[1]), int(m[2])
    elif m := re.fullmatch(_YEAR + r"-([0-9]{1,2})", raw, re.ASCII):  # ISO: 2026-12
        month, year = int(m[2]), int(m[1])
    elif (m := re.fullmatch(r"(?:fin |debut )?([a-z]+) " + _YEAR, text, re.ASCII)) and m[1] in MONTHS:
        month, year = MONTHS[m[1]], int(m[2])
    if month is not None:
        return Schedule(datetime.date(year, month, 1), _month_end(year, month))
    quarter = re.fullmatch(r"(?:t|q|trimestre )([1-4]) " + _YEAR, text, re.ASCII) or re.fullmatch(
        r"([1-4]) ?(?:er|e|eme)? trimestre " + _YEAR, text, re.ASCII
    )
    if quarter:
        number, year = int(quarter[1]), int(quarter[2])
        return Schedule(datetime.date(year, number * 3 - 2, 1), _month_end(year, number * 3))
    if m := re.fullmatch(r"s([1-2]) " + _YEAR, text, re.ASCII):
        number, year = int(m[1]), int(m[2])
        return Schedule(datetime.date(year, number * 6 - 5, 1), _month_end(year, number * 6))
    if m := re.fullmatch(r"(?:fin |debut )?" + _YEAR, text, re.ASCII):
        return Schedule(datetime.date(int(m[1]), 1, 1), datetime.date(int(m[1]), 12, 31))
    if m := re.fullmatch(_YEAR + r" (?:a )?" + _YEAR, text, re.ASCII):
        first, last = int(m[1]), int(m[2])
        if first <= last:
            return Schedule(datetime.date(first, 1, 1), datetime.date(last, 12, 31), span=True)
    raise ValueError


_AMOUNT = re.compile(r"([0-9][0-9\u00a0\u202f .,]*)\s*(k€|k ?euros?|€|euros?|eur\b)", re.IGNORECASE)


_BARE_AMOUNT = re.compile(r"[0-9][0-9\u00a0\u202f .,]*[0-9]", re.ASCII)


def parse_amount(text: str) -> Decimal:
    """12 500 €, 12.500,00, 12 500,50 €, 15 k€ → a Decimal; ValueError if it is not an amount."""
    m = _AMOUNT.search(text) if ("€" in text or "eur" in text.lower()) else None
    digits = (m[1] if m else text).strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if not re.fullmatch(r"[0-9][0-9.,]*", digits, re.ASCII):
        raise ValueError
    if "," in digits and "." in digits:
        decimal_mark = "," if digits.rfind(",") > digits.rfind(".") else "."
    elif "," in digits:
        decimal_mark = ","
    elif "." in digits and re.fullmatch(r"[0-9]{1,3}(\.[0-9]{3})+", digits, re.ASCII):
        decimal_mark = ","  # 12.500: a thousands dot
    else:
        decimal_mark = "."
    grouping = "." if decimal_mark == "," else ","
    try:
        amount = Decimal(digits.replace(grouping, "").replace(decimal_mark, "."))
    except InvalidOperation as error:
        raise ValueError from error
    if m and m[2].lower().startswith("k"):
        amount *= 1000
    if amount > MAX_AMOUNT:
        raise ValueError
    return amount


@dataclass
class AmountDraft:
    """An amount a financing cell gives: who funds it (as written, "" when not said), for which year and of what
    nature when the cell says so."""

    amount: Decimal
    funder: str = ""
    year: int | None = None
    nature: str = ""


# One amount in a financing line: "MILDECA 2026 : 9 000,00 €", "ARS: 15000", "FIPD 4 000€", "15 k€ (ville)".
_FINANCING_AMOUNT = re.compile(
    r"(?P<amount>[0-9](?:[0-9.,]|[\u00a0\u202f ](?=[0-9]{3}))*)\s*(?P<unit>k€|k ?euros?|€|euros?|eur\b)?",
    re.IGNORECASE,
)
_FUNDING_YEAR = re.compile(r"\b(20[0-9]{2})\b")
_TO_BE_SET = re.compile(r"\b(a definir|a preciser|a determiner|non chiffre|tbd)\b")
_RANGE = re.compile(r"[0-9]\s*(?:-|–|à|a)\s*[0-9]")


def _looks_like_money(line: str, text: str) -> bool:
    """A financing line that gives (or tries to give) an amount, rather than a note."""
    return bool(
        "€" in line
        or re.search(r"\b(euros?|eur|k€)\b", text)
        or text.startswith(("budget prevu", "montant"))
        or _BARE_AMOUNT.fullmatch(line)
        or re.fullmatch(r"[^0-9]{1,60}:\s*[0-9][0-9 .,\u00a0\u202f]*", line)
        or _TO_BE_SET.search(text)
        and re.search(r"montant|budget|cout|financement", text)
    )


def parse_financing(line: str) -> list[AmountDraft]:
    """The amounts of one financing line, each with its funder, year and nature when written.

    "MILDECA 8.000,00 EUR", "ARS: 15000", "FIPD 4 000€ + ville 1 000 €" (two amounts), "Budget prévu 2026 —
    MILDECA : 9 000,00 € (Fonctionnement)" (the product's own export). ValueError when a part holds no
    readable amount; a range or "à définir" is a ValueError too (said to the user, never guessed)."""
    natures = {normalised(label): value for value, label in BudgetNature.choices}
    drafts = []
    for part in re.split(r"\s\+\s|;|\s&\s", line):
        part = part.strip()
        if not part:
            continue
        text = normalised(part)
        if _TO_BE_SET.search(text) or _RANGE.search(_FUNDING_YEAR.sub("", part.split(":")[-1])):
            raise ValueError(part)
        nature = ""
        if found := re.search(r"\(([^)]*)\)\s*$", part):
            nature = natures.get(normalised(found[1]), "")
            part = part[: found.start()].strip() if nature else part
        year_match = _FUNDING_YEAR.search(part)
        without_year = _FUNDING_YEAR.sub(" ", part) if year_match else part
        matches = [m for m in _FINANCING_AMOUNT.finditer(without_year) if re.search(r"[0-9]", m["amount"])]
        if not matches:
            raise ValueError(part)
        # The amount is the last number of the part (a funder's name may hold digits: "Contrat de ville 2").
        match = matches[-1]
        try:
            amount = parse_amount((match["amount"] + " " + (match["unit"] or "")).strip())
        except ValueError:
            raise ValueError(part) from None
        funder = without_year[: match.start()].strip(" :-—–\t")
        funder = re.sub(r"^(budget\s+pr[ée]vu|budget|montant|financement)\b[\s:—–-]*", "", funder, flags=re.IGNORECASE)
        funder = re.sub(r"\s+", " ", funder)
        if normalised(funder) in {"budget prevu", "budget", "montant", "financement", "cout", "total"}:
            funder = ""
        drafts.append(
            AmountDraft(
                amount=amount,
                funder=funder.strip(" :-—–"),
                year=int(year_match[1]) if year_match else None,
                nature=nature,
            )  # fmt: skip
        )
    return drafts


def _lines(value) -> list[str]:
    return [line.strip() for line in cell_text(value).split("\n") if line.strip()]


def _unneutralised(value):
    """The product's exports write '=…, '+…, '-…, '@… with a leading apostrophe: take it off again."""
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1] in "=+-@":
        return value[1:]
    return value


_COST_WORDS = {
    0: ("sans cout", "aucun cout", "cout nul", "nul", "gratuit", "aucun", "none"),
    1: ("cout faible", "faible", "low"),
    2: ("cout moyen", "moyen", "modere", "medium"),
    3: ("cout eleve", "eleve", "fort", "high"),
}
_COST_CLASS = re.compile(r"^(?:classe(?: de)? cout|cout|classe|c)\s*([0-3])$|^([0-3])(?: [a-z].*)?$")


def cost_class_named(text: str) -> int | None:
    """A cost class written as the product's labels ("2 — coût moyen"), as words ("sans coût", "élevé") or as
    "Coût 2", "classe 2", "C2"; None when it says none of these (a bare number is read by the caller)."""
    words = normalised(text)
    if not words:
        return None
    if match := _COST_CLASS.match(words):
        return int(match[1] or match[2])
    for number, names in _COST_WORDS.items():
        if words in names or any(words.startswith(name + " ") for name in names if " " in name):
            return number
    return None


@dataclass
class IndicatorDraft:
    kind: str
    label: str
    unit: str = Unit.COUNT
    target: Decimal | None = None
    # As the product's own indicators sheet gives them (else the model's defaults).
    frequency: str = Frequency.QUARTERLY
    baseline: Decimal | None = None
    target_date: datetime.date | None = None
    direction: str = Direction.UP
    is_key: bool = False

    @property
    def letter(self) -> str:
        return Indicator.LETTERS.get(self.kind, "R")


_MARKED_BEFORE = re.compile(r"^\(?([RIri])\)?\s*[:\-–—.)]\s*(.+)$")
_MARKED_AFTER = re.compile(r"^(.*?)\s*\(([RIri])\)\s*(.*)$")
_PRODUCT_VALUE = re.compile(r"\s+—\s+.*\(T[1-4] [0-9]{4}\)$")  # "— 12 (T3 2026)", the export's latest value


def guess_unit(label: str) -> str:
    text = normalised(label)
    if "%" in label or re.search(r"\b(taux|pourcentage|part des|proportion)\b", text):
        return Unit.PERCENTAGE
    if "€" in label or re.search(r"\b(montant|euros?|cout)\b", text):
        return Unit.EUROS
    return Unit.COUNT


def parse_indicators(value) -> tuple[list[IndicatorDraft], list[str]]:
    """Several indicators in one cell, one a line (or separated by « ; »), each marked (R) or (I) or
    prefixed « R : » / « I : ». Returns the indicators and what to tell about them."""
    items, notes = [], []
    for line in _lines(value):
        items.extend(part.strip() for part in line.split(";") if part.strip())
    found = []
    for item in items:
        item = _PRODUCT_VALUE.sub("", item.lstrip("-•*· ").strip())
        kind = None
        if m := _MARKED_BEFORE.match(item):
            kind, label = m[1].upper(), m[2]
        elif m := _MARKED_AFTER.match(item):
            kind, label = m[2].upper(), " ".join(part for part in (m[1], m[3]) if part)
        else:
            label = item
            notes.append(
                _("« %(label)s » n'est marqué ni (R) ni (I) : il sera un indicateur de résultat.")
                % {"label": label[:80]}
            )
        label = label.strip(" :-–—")
        if not label:
            continue
        found.append(
            IndicatorDraft(
                kind=IndicatorKind.IMPACT if kind == "I" else IndicatorKind.RESULT, label=label, unit=guess_unit(label)
            )
        )
    return found, notes


# --- Organisations and pillar kinds ---------------------------------------------------------------------------

# Read in order, the first match wins; a kind the plan's country does not have gives its equivalent there
# (partners.enums.kind_for_country): "police locale" in a French file is the police municipale.
PARTNER_KINDS = [
    (r"\bmildeca\b", PartnerKind.MILDECA),
    (r"\bprefecture\b|\bprefet", PartnerKind.PREFECTURE),
    (r"\bprocureur du roi\b", PartnerKind.CROWN_PROSECUTOR),
    (r"\bparquet\b|\bprocureur", PartnerKind.PROSECUTOR),
    (r"\bpolice municipale\b", PartnerKind.MUNICIPAL_POLICE),
    (r"\bpolice locale\b|\bzone de police\b|\bzp\b", PartnerKind.LOCAL_POLICE),
    (r"\bpolice (judiciaire )?federale\b|\bpjf\b|\bdirco\b", PartnerKind.FEDERAL_POLICE),
    (r"\bpolice nationale\b|\bcommissariat\b|\bdipn\b|\bddsp\b", PartnerKind.NATIONAL_POLICE),
    (r"\bgendarmerie\b", PartnerKind.GENDARMERIE),
    (r"\bdouane", PartnerKind.CUSTOMS),
    (r"\bspf interieur\b|\bsppf\b|\bdirection securite (integrale|locale)\b", PartnerKind.SPF_INTERIOR),
    (r"\bcpas\b|centre public d.action sociale", PartnerKind.CPAS),
    (r"\beducation nationale\b|\bdsden\b|\brectorat\b", PartnerKind.EDUCATION),
    (r"\bcollege\b|\blycee\b|\bathenee\b|\becole\b|\binstitut\b", PartnerKind.SCHOOL),
    (r"\bars\b|agence regionale de sante", PartnerKind.HEALTH_AGENCY),
    (r"\bcsapa\b", PartnerKind.CSAPA),
    (r"\bcaarud\b", PartnerKind.CAARUD),
    (r"\btoxicomanie\b|\bassuetudes?\b", PartnerKind.DRUG_AID_SERVICE),
    (r"\bcaf\b", PartnerKind.CAF),
    (r"\bfederation wallonie|\bcommunaute (francaise|flamande|germanophone)\b|\bcocof\b|\bwallonie\b|"
     r"\bregion (wallonne|flamande|de bruxelles)", PartnerKind.COMMUNITY_REGION),
    (r"\bprovince\b", PartnerKind.PROVINCE),
    (r"\bregion\b", PartnerKind.REGION),
    (r"\bconseil departemental\b|\bdepartement\b", PartnerKind.DEPARTMENT_COUNCIL),
    (r"\bassociation\b|\basso\b|\basbl\b", PartnerKind.ASSOCIATION),
    (r"\bville\b|\bmairie\b|\bcommune\b|\bservice\b|\bccas\b|\bclspd\b|\bcisp", PartnerKind.MUNICIPAL_SERVICE),
]  # fmt: skip
PILLAR_KINDS = [
    (r"offre de soins?|\bsoins?\b|accompagnement|prise en charge", PillarKind.CARE),
    (r"\brisques?\b|\brdr\b|dommages", PillarKind.RISK_REDUCTION),
    (r"prevention|\bdemande\b|sensibilisation", PillarKind.PREVENTION),
    (r"\boffre\b|trafic|tranquillite|\bdeal\b|stupefiants", PillarKind.SUPPLY_REDUCTION),
    (r"\bloi\b|interdiction|repression|sanction|application", PillarKind.LAW_ENFORCEMENT),
    (r"transversa|evalu|pilotage|gouvernance|observatoire", PillarKind.TRANSVERSAL),
]


def guess_partner_kind(name: str, country: str) -> str:
    """The kind an organisation's name says, among the kinds of the plan's country ("autre" when none fits)."""
    text = normalised(name)
    for pattern, kind in PARTNER_KINDS:
        if re.search(pattern, text) and (found := kind_for_country(kind, country)):
            return found
    return PartnerKind.OTHER


def guess_pillar_kind(name: str) -> str:
    """The kind a pillar's name says, when it says one clearly: the kind whose word comes first in the name
    ("Soins et réduction des risques": care); "" when none does."""
    text = normalised(name)
    matches = [(m.start(), kind) for pattern, kind in PILLAR_KINDS if (m := re.search(pattern, text))]
    if not matches:
        return ""
    matches.sort()
    if len(matches) > 1 and matches[0][0] == matches[1][0]:
        return ""
    return matches[0][1]


# --- The tree -------------------------------------------------------------------------------------------------


@dataclass
class Problem:
    sheet: str
    row: int | None  # as the spreadsheet numbers it
    column: str  # a letter and the header, or ""
    message: str
    blocking: bool = True

    @property
    def where(self) -> str:
        parts = [_("feuille « %(s)s »") % {"s": self.sheet}] if self.sheet else []
        if self.row:
            parts.append(_("ligne %(n)s") % {"n": self.row})
        if self.column:
            parts.append(_("colonne %(c)s") % {"c": self.column})
        return ", ".join(parts)


@dataclass
class Lead:
    name: str
    partner: Partner | None  # an organisation already known, else one to create
    kind: str = PartnerKind.OTHER

    @property
    def kind_label(self) -> str:
        return str(PartnerKind(self.kind).label)


@dataclass
class ActionDraft:
    row: int
    title: str
    summary: str = ""
    lead: Lead | None = None
    field: str = ""
    target_groups: str = ""
    comments: str = ""
    competence: str = ""
    financing_note: str = ""
    amount: Decimal | None = None  # the sum of `amounts`
    amounts: list[AmountDraft] = dataclass_field(default_factory=list)
    # As the product's own data sheet gives them (else the model's defaults).
    status: str = ""
    progress: int | None = None
    cost_class: int | None = None
    first_year: bool = False
    start: datetime.date | None = None
    due: datetime.date | None = None
    indicators: list[IndicatorDraft] = dataclass_field(default_factory=list)


@dataclass
class AxisDraft:
    name: str
    existing: Axis | None = None
    description: str = ""
    actions: list[ActionDraft] = dataclass_field(default_factory=list)


@dataclass
class PillarDraft:
    name: str
    kind: str  # "" when it must be asked
    existing: Pillar | None = None
    axes: dict[str, AxisDraft] = dataclass_field(default_factory=dict)
    description: str = ""

    @property
    def kind_label(self) -> str:
        return str(PillarKind(self.kind).label) if self.kind else ""


@dataclass
class ImportPreview:
    sheet: str = ""
    header_row: int = 0
    header_rows: int = 1  # the header read over this many rows, from header_row
    columns: list[tuple[str, str, str]] = dataclass_field(default_factory=list)  # (letter, header, what it is read as)
    ignored_columns: list[tuple[str, str]] = dataclass_field(default_factory=list)
    pillars: list[PillarDraft] = dataclass_field(default_factory=list)
    leads: dict[str, Lead] = dataclass_field(default_factory=dict)  # by normalised name
    funders: dict[str, Lead] = dataclass_field(default_factory=dict)  # the financing cells' funders, likewise
    problems: list[Problem] = dataclass_field(default_factory=list)
    not_carried: list[str] = dataclass_field(default_factory=list)  # what the plan has and this file does not say

    @property
    def blocking(self) -> list[Problem]:
        return [p for p in self.problems if p.blocking]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.blocking]

    @property
    def actions(self) -> list[ActionDraft]:
        return [a for p in self.pillars for axis in p.axes.values() for a in axis.actions]

    @property
    def indicator_count(self) -> int:
        return sum(len(a.indicators) for a in self.actions)

    @property
    def funder_totals(self) -> list[tuple[Lead, Decimal, int]]:
        """Each funder with the total of the amounts it is named for and their number, largest first."""
        totals: dict[str, list] = {}
        for action in self.actions:
            for amount in action.amounts:
                key = normalised(amount.funder.strip()[:200] or str(_("Financeur à préciser")))
                entry = totals.setdefault(key, [self.funders.get(key), Decimal(0), 0])
                entry[1] += amount.amount
                entry[2] += 1
        return sorted(((lead, total, n) for lead, total, n in totals.values() if lead), key=lambda t: -t[1])

    @property
    def new_organisation_count(self) -> int:
        """Organisations the import creates: leads and funders not known yet (one name, one organisation)."""
        leads = {normalised(lead.name) for lead in self.new_leads}
        funders = {normalised(lead.name) for lead, _total, _n in self.funder_totals if lead.partner is None}
        return len(leads | funders)

    @property
    def new_leads(self) -> list[Lead]:
        return [lead for lead in self.leads.values() if lead.partner is None]

    @property
    def known_leads(self) -> list[Lead]:
        return [lead for lead in self.leads.values() if lead.partner is not None]

    def shown(self, limit: int = PREVIEW_ACTIONS) -> list[tuple[PillarDraft, list[tuple[AxisDraft, list, int]]]]:
        """The tree as the preview shows it: the first `limit` actions, each axis with how many are not shown."""
        left, tree = limit, []
        for pillar in self.pillars:
            axes = []
            for axis in pillar.axes.values():
                shown = axis.actions[: max(left, 0)]
                left -= len(shown)
                axes.append((axis, shown, len(axis.actions) - len(shown)))
            tree.append((pillar, axes))
        return tree

    @property
    def pillars_to_ask(self) -> list[PillarDraft]:
        return [p for p in self.pillars if p.existing is None]


class _Reader:
    """Reads the data rows under a header into an ImportPreview."""

    def __init__(self, sheet: Sheet, header: Header, plan: Plan, preview: ImportPreview):
        self.sheet, self.header, self.plan, self.preview = sheet, header, plan, preview
        self.headers = _header_cells(sheet, header.first_row, header.rows)
        self.pillars: dict[str, PillarDraft] = {}
        self.existing_pillars = {normalised(p.name): p for p in plan.pillars.prefetch_related("axes")}
        # By name and acronym, the plan's own partners first (two organisations may share an acronym).
        self.partners = {}
        # Organisations of the territory's other plans only (never another territory's), of a kind the plan's
        # country has: a Belgian file's "Parquet" is never a French parquet.
        country_kinds = [k for k, _label in kind_choices(plan.territory.country)]
        others = territory_partners(plan).filter(kind__in=country_kinds)
        # An acronym alone matches only the plan's own partners: another plan's "Parquet" (its acronym) is
        # proposed, not taken (self.acronyms), and the file's organisation is created for this plan.
        self.acronyms = {}
        for partner in plan.partners.order_by("pk"):
            for name in (partner.name, partner.acronym):
                if name:
                    self.partners.setdefault(normalised(name), partner)
        for partner in others.order_by("pk"):
            self.partners.setdefault(normalised(partner.name), partner)
            if partner.acronym:
                self.acronyms.setdefault(normalised(partner.acronym), partner)

    @property
    def action_column(self) -> str:
        index = next(i for i, key in self.header.keys.items() if key in ACTION_KEYS)
        return self.headers[index]

    def problem(self, row: int | None, key: str | None, message: str, *, blocking: bool = True) -> None:
        column = ""
        if key in self.header.keys.values():
            index = next(i for i, k in self.header.keys.items() if k == key)
            column = f"{column_letter(index)} (« {self.headers[index][:60]} »)"
        self.preview.problems.append(Problem(self.sheet.name, row, column, message, blocking))

    def read(self) -> None:
        pillar = axis = None
        kinds = {}
        seen_action, blank_after = False, False
        start = self.header.first_row + self.header.rows
        for index in range(start, len(self.sheet.rows)):
            number = index + 1
            values = {
                key: _unneutralised(self.sheet.rows[index][i]) if i < len(self.sheet.rows[index]) else None
                for i, key in self.header.keys.items()
            }
            if not any(self.sheet.rows[index]):
                blank_after = seen_action
                continue
            if self.repeats_the_header(index, values, blank_after):
                if self.header.keys != _map(_header_cells(self.sheet, index, 1))[0]:
                    self.problem(
                        number,
                        None,
                        _("Un second tableau commence ici, avec d'autres colonnes : il n'est pas lu. Placez-le sur "
                          "une feuille à part, ou sous les mêmes colonnes que le premier."),
                    )  # fmt: skip
                    break
                self.problem(
                    number,
                    None,
                    _("L'en-tête se répète : un second tableau commence ici ; ses lignes sont lues à la suite."),
                    blocking=False,
                )
                pillar = axis = None
                blank_after = False
                continue
            describes = any(values.get(key) not in (None, "") for key in ACTION_KEYS)
            if blank_after and not describes:
                self.problem(
                    number,
                    None,
                    _("Ligne ignorée : sous le tableau, elle ne décrit pas d'action (« %(text)s »).")
                    % {"text": " ".join(cell_text(c) for c in self.sheet.rows[index] if c)[:80]},
                    blocking=False,
                )
                continue
            if values.get("pillar"):
                name = cell_text(values["pillar"])
                if pillar is None or normalised(name) != normalised(pillar.name):  # "SOINS" on a pillar "Soins"
                    pillar, axis = self.pillar(number, name), None
                if values.get("pillar_kind") in PillarKind.values:
                    kinds[pillar.name] = values["pillar_kind"]
                if values.get("pillar_description") and not pillar.description:
                    pillar.description = cell_text(values["pillar_description"])
            if values.get("axis") not in (None, ""):
                name = cell_text(values["axis"])
                if re.fullmatch(r"[0-9]+", name, re.ASCII):
                    name = _("Axe %(n)s") % {"n": name}
                if pillar is None:
                    self.problem(number, "axis", _("Ce domaine n'a pas de pilier : remplissez la colonne « Pilier »."))
                    continue
                axis = self.axis(number, pillar, name)
                if values.get("axis_description") and not axis.description:
                    axis.description = cell_text(values["axis_description"])
            if not describes:
                if any(v not in (None, "") for k, v in values.items() if k not in GROUP_KEYS):
                    self.problem(
                        number,
                        None,
                        _("Ligne ignorée : elle ne dit ni l'action ni qui la pilote (colonne « %(c)s » vide).")
                        % {"c": self.action_column},
                        blocking=False,
                    )
                continue
            if pillar is None:
                self.problem(
                    number, "pillar", _("Cette action n'a pas de pilier : remplissez la colonne « Pilier » au-dessus.")
                )
                continue
            if axis is None:
                axis = self.axis(number, pillar, pillar.name)
                self.problem(
                    number,
                    None,
                    _("Le pilier « %(p)s » n'a pas de domaine : ses actions iront dans un axe du même nom.")
                    % {"p": pillar.name},
                    blocking=False,
                )
            action = self.action(number, values)
            if action is not None:
                axis.actions.append(action)
                seen_action, blank_after = True, False
        for name, kind in kinds.items():
            if self.pillars[normalised(name)].existing is None:
                self.pillars[normalised(name)].kind = kind
        self.preview.pillars = list(self.pillars.values())

    def repeats_the_header(self, index: int, values: dict, after_blank: bool) -> bool:
        """Whether the row is a header again (a second table below the first, after a blank row, or with its
        action cell naming a column): it names at least three known columns, one that describes an action."""
        names_a_column = any(
            column_key(cell_text(values.get(key))) in ACTION_KEYS for key in ACTION_KEYS if values.get(key)
        )
        if not (after_blank or names_a_column):
            return False
        keys = _map(_header_cells(self.sheet, index, 1))[0]
        return len(keys) >= 3 and bool(set(keys.values()) & set(ACTION_KEYS))

    def pillar(self, row: int, name: str) -> PillarDraft:
        key = normalised(name)
        if key not in self.pillars:
            if len(name) > 200:
                self.problem(row, "pillar", _("Le nom du pilier dépasse 200 caractères."))
                name = name[:200]
            existing = self.existing_pillars.get(key)
            self.pillars[key] = PillarDraft(
                name=existing.name if existing else name,
                kind=existing.kind if existing else guess_pillar_kind(name),
                existing=existing,
            )
        return self.pillars[key]

    def axis(self, row: int, pillar: PillarDraft, name: str) -> AxisDraft:
        name = re.sub(r"^axe\s+[0-9]+\s*[—:\-–.]\s*", "", name, flags=re.IGNORECASE | re.ASCII) or name
        key = normalised(name)
        if key not in pillar.axes:
            if len(name) > 250:
                self.problem(row, "axis", _("Le nom du domaine dépasse 250 caractères."))
                name = name[:250]
            existing = None
            if pillar.existing is not None:
                existing = next((a for a in pillar.existing.axes.all() if normalised(a.name) == key), None)
                if existing is not None:
                    existing.pillar = pillar.existing  # read by Action.clean(): no query an action
            pillar.axes[key] = AxisDraft(name=existing.name if existing else name, existing=existing)
        return pillar.axes[key]

    def lead(self, row: int, name: str) -> Lead | None:
        name = name.strip()
        if not name:
            return None
        if len(name) > 200:
            self.problem(row, "lead_summary" if "lead_summary" in self.header.keys.values() else "lead",
                         _("Le nom de l'organisation qui pilote dépasse 200 caractères."))  # fmt: skip
            return None
        key = normalised(name)
        if key not in self.preview.leads:
            partner = self.partners.get(key)
            kind = partner.kind if partner else guess_partner_kind(name, self.plan.territory.country)
            self.preview.leads[key] = Lead(name=partner.name if partner else name, partner=partner, kind=kind)
            if partner is None and (proposed := self.acronyms.get(key)) and key not in self.partners:
                self.problem(
                    row,
                    None,
                    _("« %(name)s » est le sigle de « %(other)s », organisation d'un autre plan du territoire : une "
                      "nouvelle organisation « %(name)s » sera créée pour ce plan. Pour piloter avec « %(other)s », "
                      "ajoutez-la d'abord aux partenaires du plan, puis relisez l'aperçu.")
                    % {"name": name, "other": proposed.name},
                    blocking=False,
                )  # fmt: skip
        return self.preview.leads[key]

    def funder(self, name: str) -> Lead:
        """The organisation an amount names (matched as leads are), or the placeholder when it names none."""
        name = name.strip()[:200] or str(_("Financeur à préciser"))
        key = normalised(name)
        if key not in self.preview.funders:
            partner = self.partners.get(key) or (
                self.preview.leads[key].partner if key in self.preview.leads else None
            )
            kind = partner.kind if partner else guess_partner_kind(name, self.plan.territory.country)
            self.preview.funders[key] = Lead(name=partner.name if partner else name, partner=partner, kind=kind)
        return self.preview.funders[key]

    def action(self, row: int, values: dict) -> ActionDraft | None:
        title, summary, lead_name = "", "", ""
        if values.get("lead_summary"):
            lines = _lines(values["lead_summary"])
            if len(lines) == 1:
                only = lines[0]
                if normalised(only) in self.partners:
                    lead_name = only
                elif ":" in only[:120]:
                    lead_name, title = (part.strip() for part in only.split(":", 1))
                else:
                    title = only
            else:
                lead_name, rest = lines[0], lines[1:]
                title, _sep, first_summary = rest[0].partition(" — ")
                summary = "\n".join(part for part in (first_summary, *rest[1:]) if part)
        if values.get("lead"):
            lead_name = cell_text(values["lead"])
        if values.get("title"):
            title = cell_text(values["title"])
        if values.get("summary"):
            if title:
                summary = cell_text(values["summary"])
            else:
                lines = _lines(values["summary"])
                title, summary = lines[0], "\n".join(lines[1:])
        title = title.strip()
        if not title:
            key = "lead_summary" if "lead_summary" in self.header.keys.values() else None
            self.problem(
                row, key, _("Cette action n'a pas de sommaire : écrivez ce qu'elle fait sous l'organisation.")
            )
            return None
        if len(title) > 250:
            cut = title[:249].rsplit(" ", 1)[0]
            summary = "\n".join(part for part in (title, summary) if part)
            title = cut + "…"
        action = ActionDraft(row=row, title=title, summary=summary, lead=self.lead(row, lead_name))
        if lead_name and action.lead is None:
            return None
        if not lead_name:
            self.problem(row, None, _("« %(t)s » n'a pas d'organisation qui pilote.") % {"t": title[:60]},
                         blocking=False)  # fmt: skip
        self.field_and_target(action, values)
        self.competence_and_financing(row, action, values)
        self.tracking(row, action, values)
        self.schedule(row, action, values)
        comments = cell_text(values.get("comments"))
        action.comments = "\n".join(part for part in (comments, action.comments) if part)
        if values.get("indicators"):
            action.indicators, notes = parse_indicators(values["indicators"])
            for note in notes:
                self.problem(row, "indicators", note, blocking=False)
            for indicator in action.indicators:
                if len(indicator.label) > 250:
                    self.problem(row, "indicators", _("Un indicateur dépasse 250 caractères : raccourcissez-le."))
        if values.get("indicator_settings"):
            self.indicator_settings(row, action, values["indicator_settings"])
        return action

    def indicator_settings(self, row: int, action: ActionDraft, value) -> None:
        """The open data's JSON of the action's indicators (indicators.reports.common.indicator_settings): the
        settings of the indicators the "indicators" column lists, matched by letter and label, or the indicators
        themselves when that column is empty. Anything unreadable is listed, never guessed."""
        try:
            items = json.loads(cell_text(value))
            if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
                raise ValueError
        except ValueError:
            message = _("Réglages illisibles : une liste JSON d'indicateurs est attendue.")
            self.problem(row, "indicator_settings", message)
            return
        drafts = []
        for item in items:
            draft = _indicator_from_settings(item)
            if isinstance(draft, str):
                self.problem(row, "indicator_settings", draft)
                return
            drafts.append(draft)
        if not action.indicators:
            action.indicators = drafts
            return
        settings_of = {(d.kind, normalised(d.label)): d for d in drafts}
        for index, indicator in enumerate(action.indicators):
            if known := settings_of.get((indicator.kind, normalised(indicator.label))):
                action.indicators[index] = known

    def field_and_target(self, action: ActionDraft, values: dict) -> None:
        if values.get("field_target"):
            lines = _lines(values["field_target"])
            action.field, action.target_groups = lines[0], "\n".join(lines[1:])
        if values.get("field"):
            action.field = cell_text(values["field"])
        if values.get("target"):
            action.target_groups = cell_text(values["target"])

    def competence_and_financing(self, row: int, action: ActionDraft, values: dict) -> None:
        labels = {normalised(label): value for value, label in Competence.choices}
        labels.update({value: value for value in Competence.values})
        notes = []
        lines = _lines(values.get("competence_financing")) + _lines(values.get("financing"))
        if values.get("competence"):
            lines.insert(0, cell_text(values["competence"]))
        for index, line in enumerate(lines):
            text = normalised(line)
            if index == 0 and (text in labels or text.removeprefix("competence ") in labels):
                action.competence = labels.get(text) or labels[text.removeprefix("competence ")]
                continue
            if _looks_like_money(line, text):
                try:
                    amounts = parse_financing(line)
                except ValueError as error:
                    self.problem(
                        row,
                        self.financing_key,
                        _("Montant non repris : « %(v)s » (une fourchette, « à définir » ou un montant illisible) : "
                          "écrivez par exemple « MILDECA 2026 : 8 000 € », ou ajoutez la ligne au budget ensuite.")
                        % {"v": str(error)[:80]},
                        blocking=False,
                    )  # fmt: skip
                else:
                    action.amounts.extend(amounts)
                    action.amount = sum((a.amount for a in action.amounts), Decimal(0))
                    for amount in amounts:
                        self.funder(amount.funder)
                if text.startswith("budget prevu"):
                    continue  # the product's own line: the budget lines say it, not the note
            notes.append(line)
        action.financing_note = "\n".join(notes)

    def tracking(self, row: int, action: ActionDraft, values: dict) -> None:
        """Status, progress, cost class and first-year flag, when the file gives them (the product's data sheet,
        or a plan kept with such columns): codes or their labels, checked."""
        statuses = {normalised(label): value for value, label in ActionStatus.choices}
        statuses.update({value: value for value in ActionStatus.values})
        if (text := normalised(values.get("status"))) and not (status := statuses.get(text.replace(" ", "_"))):
            status = statuses.get(text)
        if text:
            if status:
                action.status = status
            else:
                self.problem(row, "status", _("Statut « %(v)s » inconnu : écrivez par exemple « en cours ».")
                             % {"v": cell_text(values["status"])[:40]})  # fmt: skip
        for key, low, high in (("progress", 0, 100), ("cost_class", 0, 3)):
            value = values.get(key)
            if value in (None, ""):
                continue
            if key == "cost_class" and (named := cost_class_named(cell_text(value))) is not None:
                action.cost_class = named
                continue
            try:
                number = Decimal(cell_text(value).replace("%", "").replace(",", ".").strip())
                if not number.is_finite() or number != number.to_integral_value() or not low <= number <= high:
                    raise InvalidOperation
            except InvalidOperation:
                self.problem(row, key, _("« %(v)s » n'est pas un nombre entier de %(low)s à %(high)s.")
                             % {"v": cell_text(value)[:40], "low": low, "high": high})  # fmt: skip
                continue
            setattr(action, key, int(number))
        flag = normalised(values.get("first_year"))
        if flag:
            if flag in {"true", "oui", "vrai", "1", "x", "yes"}:
                action.first_year = True
            elif flag not in {"false", "non", "faux", "0", "no"}:
                self.problem(row, "first_year", _("« %(v)s » : écrivez oui ou non.") % {"v": flag[:40]})
        for line in _lines(values.get("budget")):
            try:
                amounts = parse_financing(line)
            except ValueError:
                self.problem(row, "budget", _("Ligne budgétaire illisible : « %(v)s ».") % {"v": line[:80]})
                continue
            action.amounts.extend(amounts)
            action.amount = sum((a.amount for a in action.amounts), Decimal(0))
            for amount in amounts:
                self.funder(amount.funder)

    @property
    def financing_key(self) -> str | None:
        keys = self.header.keys.values()
        return next((key for key in ("financing", "competence_financing") if key in keys), None)

    def schedule(self, row: int, action: ActionDraft, values: dict) -> None:
        for key in ("start", "due"):
            value = values.get(key)
            try:
                schedule = parse_schedule(value)
            except ValueError:
                self.problem(
                    row,
                    key,
                    _(
                        "Date « %(v)s » non reconnue : écrivez par exemple 31/12/2026, 12/2026, déc. 2026, T4 2026, "
                        "2026 ou « en continu »."
                    )
                    % {"v": cell_text(value)[:40]},
                )
                continue
            if key == "start":
                action.start = schedule.first
                continue
            action.due = schedule.last
            if schedule.span:
                action.start = action.start or schedule.first
            if schedule.note:
                action.comments = _("Échéance : %(n)s") % {"n": schedule.note}
        if action.start and action.due and action.start > action.due:
            self.problem(row, "due", _("L'échéance est avant le début de l'action."))
        plan = self.plan
        for key, day in (("start", action.start), ("due", action.due)):
            if day and not plan.period_start <= day <= plan.period_end:
                self.problem(
                    row,
                    key if key in self.header.keys.values() else "due",
                    _("Le %(d)s est hors de la période du plan (du %(s)s au %(e)s) : corrigez la date ou la période.")
                    % {
                        "d": day.strftime("%d/%m/%Y"),
                        "s": plan.period_start.strftime("%d/%m/%Y"),
                        "e": plan.period_end.strftime("%d/%m/%Y"),
                    },
                )


def _indicator_from_settings(item: dict) -> IndicatorDraft | str:
    """One indicator of the open data's JSON, or why it cannot be read."""
    label = item.get("label")
    if not isinstance(label, str) or not label.strip() or len(label) > 250:
        return _("Réglages illisibles : un indicateur sans intitulé (ou de plus de 250 caractères).")
    label = label.strip()
    codes = {
        "kind": (IndicatorKind.RESULT, IndicatorKind.IMPACT),
        "unit": Unit.values,
        "frequency": Frequency.values,
        "direction": Direction.values,
    }
    for name, allowed in codes.items():
        if item.get(name) not in allowed:
            return _("Réglages de « %(label)s » : « %(name)s » vaut « %(value)s », qui n'est pas un code connu.") % {
                "label": label[:80],
                "name": name,
                "value": str(item.get(name))[:40],
            }
    numbers = {}
    for name in ("baseline_value", "target_value"):
        raw = item.get(name)
        try:
            number = None if raw in (None, "") else Decimal(str(raw))
        except InvalidOperation:
            number = Decimal("NaN")
        if number is not None and not (number.is_finite() and decimal_fits(number, **TARGET_DIGITS)):
            return _("Réglages de « %(label)s » : « %(name)s » n'est pas un nombre admis (« %(value)s »).") % {
                "label": label[:80],
                "name": name,
                "value": str(raw)[:40],
            }
        numbers[name] = number
    try:
        date = datetime.date.fromisoformat(item["target_date"]) if item.get("target_date") else None
    except (TypeError, ValueError):
        return _("Réglages de « %(label)s » : la date « %(value)s » n'est pas au format AAAA-MM-JJ.") % {
            "label": label[:80],
            "value": str(item.get("target_date"))[:40],
        }
    if not isinstance(item.get("is_key", False), bool):
        return _("Réglages de « %(label)s » : « is_key » vaut true ou false.") % {"label": label[:80]}
    return IndicatorDraft(
        kind=item["kind"],
        label=label,
        unit=item["unit"],
        target=numbers["target_value"],
        frequency=item["frequency"],
        baseline=numbers["baseline_value"],
        target_date=date,
        direction=item["direction"],
        is_key=item.get("is_key", False),
    )


def _indicator_details(sheets: list[Sheet]) -> dict[tuple[str, str], dict]:
    """The product's indicators sheet, when the file is one of its exports: each indicator's settings by
    (action, indicator). The data sheet (machine names: label, unit, frequency, is_key, baseline_value,
    target_value, target_date, direction) gives them all; the reading one ("Indicateur", "Unité", "Cible") its
    unit and target."""
    units = {normalised(label): value for value, label in Unit.choices}
    units.update({value: value for value in Unit.values})
    machine = {"action", "label", "unit"}
    details = {}
    for sheet in sheets:
        header = None
        for start in range(min(5, len(sheet.rows))):
            names = {normalised(h).replace(" ", "_"): i for i, h in enumerate(_header_cells(sheet, start, 1))}
            if machine <= set(names) or {"action", "indicateur", "unite"} <= set(names):
                header = (start, names)
                break
        if header is None:
            continue
        start, names = header
        for row in sheet.rows[start + 1 :]:
            values = {name: row[index] if index < len(row) else None for name, index in names.items()}

            def cell(*keys, values=values):
                return next((values[k] for k in keys if values.get(k) not in (None, "")), None)

            def number(*keys):
                value = cell(*keys)
                return value if isinstance(value, Decimal) and value.is_finite() else None

            label = cell("label", "indicateur")
            if label is None:
                continue
            found = {
                "unit": units.get(normalised(cell("unit", "unite")).replace(" ", "_"), Unit.COUNT),
                "target": number("target_value", "cible"),
            }
            if "label" in names:  # the data sheet: every setting
                date = cell("target_date")
                found.update(
                    frequency=cell("frequency") if cell("frequency") in Frequency.values else Frequency.QUARTERLY,
                    baseline=number("baseline_value"),
                    target_date=date if isinstance(date, datetime.date) else None,
                    direction=cell("direction") if cell("direction") in Direction.values else Direction.UP,
                    is_key=normalised(cell("is_key")) in {"true", "1", "oui"},
                    kind=cell("kind") if cell("kind") in IndicatorKind.values else None,
                )
            details[(normalised(cell("action")), normalised(label))] = found
    return details


def no_header_message() -> str:
    return _(
        "Aucune feuille n'a d'en-tête reconnaissable : il faut une ligne de titres de colonnes comme "
        "« Pilier », « Domaine », « Gestionnaire et sommaire d'actions », « Echéances », "
        "« Indicateurs » (téléchargez le modèle pour voir la disposition attendue)."
    )


# What a plan holds that a file may not carry, by the columns that carry it: the preview names what is missing.
CARRIED_BY = [
    (("start",), gettext_lazy("les dates de début")),
    (("status", "progress"), gettext_lazy("le statut et l'avancement des actions")),
    (("cost_class",), gettext_lazy("la classe de coût")),
    (("first_year",), gettext_lazy("« dès la première année »")),
    (("pillar_description", "axis_description"), gettext_lazy("les descriptions des piliers et des axes")),
    (("pillar_kind",), gettext_lazy("le type des piliers (choisi ci-dessous)")),
]


def _not_carried(keys: set[str], settings_found: bool) -> list[str]:
    missing = [str(label) for columns, label in CARRIED_BY if not keys & set(columns)]
    if not settings_found:
        missing.append(str(_("les réglages des indicateurs (fréquence, indicateur clé, référence, cible, sens)")))
    return missing


def interpret(sheets: list[Sheet], plan: Plan) -> ImportPreview:
    """What importing these sheets into `plan` would create, and every problem found; writes nothing."""
    preview = ImportPreview()
    hidden = [sheet for sheet in sheets if sheet.hidden]
    sheets = [sheet for sheet in sheets if not sheet.hidden]
    for sheet in hidden:
        preview.problems.append(
            Problem(
                sheet.name,
                None,
                "",
                _("Feuille masquée : elle n'est pas lue. Affichez-la pour l'importer."),
                blocking=False,
            )  # fmt: skip
        )
    found = [(sheet, header) for sheet in sheets if (header := find_header(sheet))]
    if not found:
        preview.problems.append(Problem("", None, "", no_header_message()))
        return preview
    sheet, header = max(found, key=lambda pair: len(pair[1].keys))  # the richest table, e.g. the suivi sheet
    preview.sheet, preview.header_row = sheet.name, header.first_row + 1
    preview.header_rows = header.rows
    if sheet.protected:
        message = _("Feuille protégée : elle est lue telle quelle (sa protection n'empêche que de la modifier).")
        preview.problems.append(Problem(sheet.name, None, "", message, blocking=False))
    headers = _header_cells(sheet, header.first_row, header.rows)
    preview.columns = [(column_letter(i), headers[i], str(LABELS[key])) for i, key in sorted(header.keys.items())]
    preview.ignored_columns = header.extra
    for letter, text in header.extra:
        preview.problems.append(
            Problem(sheet.name, header.first_row + 1, f"{letter} (« {text[:60]} »)", _("Colonne ignorée."), False)
        )
    _Reader(sheet, header, plan, preview).read()
    for i, j in sheet.unsaved_formulas:
        if i >= header.first_row + header.rows:
            column = f"{column_letter(j)} (« {headers[j]} »)" if j < len(headers) and headers[j] else column_letter(j)
            preview.problems.append(
                Problem(
                    sheet.name,
                    i + 1,
                    column,
                    _("Formule sans valeur enregistrée : la cellule est lue vide. Ouvrez le fichier dans votre "
                      "tableur et enregistrez-le pour que ses formules soient calculées."),
                    blocking=False,
                )
            )  # fmt: skip
    details = _indicator_details([s for s in sheets if s is not sheet])
    keys = set(header.keys.values())
    settings_found = "indicator_settings" in keys or any("frequency" in found for found in details.values())
    preview.not_carried = _not_carried(keys, settings_found)
    for action in preview.actions:
        for indicator in action.indicators:
            known = details.get((normalised(action.title), normalised(indicator.label)))
            if known:
                for name, value in known.items():
                    if value is not None:
                        setattr(indicator, name, value)
            if indicator.baseline is not None and not decimal_fits(indicator.baseline, **TARGET_DIGITS):
                indicator.baseline = None
                preview.problems.append(
                    Problem(sheet.name, action.row, "", _("La valeur de référence de l'indicateur « %(label)s » "
                            "dépasse ce qu'une valeur peut valoir : elle n'est pas reprise.")
                            % {"label": indicator.label[:80]}, blocking=False)
                )  # fmt: skip
            if indicator.target is not None and not decimal_fits(indicator.target, **TARGET_DIGITS):
                preview.problems.append(
                    Problem(
                        sheet.name,
                        action.row,
                        "",
                        _("La cible « %(target)s » de l'indicateur « %(label)s » dépasse ce qu'une cible peut valoir.")
                        % {"target": cell_text(indicator.target), "label": indicator.label[:80]},
                    )
                )
    if not preview.actions and not preview.blocking:
        preview.problems.append(Problem(sheet.name, None, "", _("Le tableau ne contient aucune action.")))
    return preview


def read_upload_sheets(upload: SpreadsheetImport) -> list[Sheet] | SpreadsheetError:
    """The upload's sheets, or why they cannot be read. The slow part of an import (a big file takes seconds):
    done before any transaction opens, so that no write lock is held meanwhile."""
    try:
        return read_spreadsheet(bytes(upload.content))
    except SpreadsheetError as error:
        return error


def preview_sheets(sheets: list[Sheet] | SpreadsheetError, plan: Plan) -> ImportPreview:
    """What the sheets would create in the plan; a file that cannot be read is one blocking problem."""
    if isinstance(sheets, SpreadsheetError):
        return ImportPreview(problems=[Problem("", None, "", str(sheets))])
    return interpret(sheets, plan)


@contextlib.contextmanager
def _plan_of(upload: SpreadsheetImport):
    """The plan the upload imports into; for a plan still to be created (new_plan), the plan as confirming would
    create it (its territory, template, partners), in a transaction rolled back once the block is done."""
    if upload.plan_id is not None:
        yield upload.plan
        return
    with transaction.atomic():
        try:
            yield services.plan_create_from(by=upload.uploaded_by, data=upload.new_plan)
        finally:
            transaction.set_rollback(True)


def preview_upload(upload: SpreadsheetImport) -> ImportPreview:
    """The preview of a stored upload; a file that cannot be read is one blocking problem."""
    sheets = read_upload_sheets(upload)
    try:
        with _plan_of(upload) as plan:
            return preview_sheets(sheets, plan)
    except (ValidationError, PermissionDenied) as error:  # the plan could no longer be created as asked
        return ImportPreview(problems=[Problem("", None, "", _refusal(error))])


def _refusal(error: Exception) -> str:
    if isinstance(error, PermissionDenied):
        return _("Vous ne pouvez plus créer de plan pour ce territoire.")
    return " ".join(error.messages)


# --- Writing --------------------------------------------------------------------------------------------------


def import_apply(*, upload: SpreadsheetImport, by: User, kinds: dict[str, str]) -> dict:
    """Create what the preview showed, all or nothing. `kinds`: the pillar kinds the preview asked for, by
    pillar name. Recorded in the plan's history with the file's name and who imported it.

    The file is read first, outside the transaction; what it means for the plan (existing pillars, axes,
    partners) is worked out inside, on the locked plan."""
    sheets = read_upload_sheets(upload)
    with transaction.atomic():
        return _import_sheets(upload=upload, sheets=sheets, by=by, kinds=kinds)


def _import_sheets(*, upload: SpreadsheetImport, sheets, by: User, kinds: dict[str, str]) -> dict:
    upload = SpreadsheetImport.objects.select_for_update().get(pk=upload.pk)
    if upload.applied_at is not None:
        raise ValidationError(
            _("Ce fichier a déjà été importé le %(d)s.") % {"d": date_format(upload.applied_at, "SHORT_DATE_FORMAT")}
        )
    if upload.plan_id is None:  # a new plan: created now, with what its file brings, or not at all
        if upload.uploaded_by_id != by.pk:
            raise PermissionDenied
        try:
            upload.plan = services.plan_create_from(by=by, data=upload.new_plan)
        except PermissionDenied as error:
            raise ValidationError(_refusal(error)) from error
        upload.save(update_fields=["plan"])
    plan = Plan.objects.select_for_update().get(pk=upload.plan_id)
    check_edit(by, plan)
    if not plan.is_draft:
        raise ValidationError(_("Seul un plan en préparation reçoit des actions depuis un tableau."))
    preview = preview_sheets(sheets, plan)
    if preview.blocking:
        raise ValidationError(_("Le fichier a des problèmes à corriger avant l'import."))
    for pillar in preview.pillars:
        if pillar.existing is None:
            pillar.kind = kinds.get(pillar.name) or pillar.kind
            if pillar.kind not in PillarKind.values:
                raise ValidationError(_("Choisissez le type du pilier « %(p)s ».") % {"p": pillar.name})
    reason = _("Import du tableau « %(f)s »") % {"f": upload.filename}
    history = {"default_user": by, "default_change_reason": reason}

    known_funders = set(plan.partners.values_list("pk", flat=True))
    created_partners = len(preview.new_leads)
    for lead in preview.new_leads:
        lead.partner = partner_for_plan(plan=plan, name=lead.name, kind=lead.kind)
    plan.partners.add(*{lead.partner.pk for lead in preview.leads.values()})

    order = plan.pillars.aggregate(m=Max("order"))["m"] or 0
    new_pillars = [p for p in preview.pillars if p.existing is None]
    created = bulk_create_with_history(
        [
            Pillar(plan=plan, kind=p.kind, name=p.name, description=p.description, order=order + i)
            for i, p in enumerate(new_pillars, 1)
        ],
        Pillar,
        **history,
    )
    for draft, pillar in zip(new_pillars, created, strict=True):
        draft.existing = pillar
    axes, drafts = [], []
    for pillar in preview.pillars:
        number = pillar.existing.axes.aggregate(m=Max("number"))["m"] or 0
        for draft in pillar.axes.values():
            if draft.existing is None:
                number += 1
                axes.append(
                    Axis(pillar=pillar.existing, number=number, name=draft.name, description=draft.description)
                )
                drafts.append(draft)
    for draft, axis in zip(drafts, bulk_create_with_history(axes, Axis, **history), strict=True):
        draft.existing = axis
    actions, action_drafts = [], []
    for pillar in preview.pillars:
        for axis in pillar.axes.values():
            order = axis.existing.actions.aggregate(m=Max("order"))["m"] or 0
            for i, draft in enumerate(axis.actions, 1):
                action = Action(
                    plan=plan,
                    axis=axis.existing,
                    order=order + i,
                    title=draft.title,
                    summary=draft.summary,
                    lead=draft.lead.partner if draft.lead else None,
                    field_of_intervention=draft.field,
                    target_groups=draft.target_groups,
                    comments=draft.comments,
                    competence=draft.competence,
                    financing_note=draft.financing_note,
                    start_date=draft.start,
                    due_date=draft.due,
                    status=draft.status or ActionStatus.PLANNED,
                    progress=Action.progress_for(draft.status or ActionStatus.PLANNED, draft.progress or 0),
                    cost_class=draft.cost_class,
                    first_year=draft.first_year,
                )
                # Fields and the model's own rules; not validate_constraints(), one query an action (the database
                # holds them anyway): 10,000 queries for a 5,000-row file.
                action.clean_fields(exclude=["axis", "plan", "lead", "source_measure"])
                action.clean()
                actions.append(action)
                action_drafts.append(draft)
    actions = bulk_create_with_history(actions, Action, **history)
    indicators = [
        Indicator(
            plan=plan,
            action=action,
            kind=indicator.kind,
            label=indicator.label,
            unit=indicator.unit,
            frequency=indicator.frequency,
            target_value=indicator.target,
            baseline_value=indicator.baseline,
            target_date=indicator.target_date,
            direction=indicator.direction,
            is_key=indicator.is_key,
            order=n,
        )
        for action, draft in zip(actions, action_drafts, strict=True)
        for n, indicator in enumerate(draft.indicators, 1)
    ]
    bulk_create_with_history(indicators, Indicator, **history)
    lines = _budget_lines(plan, preview, actions, action_drafts)
    bulk_create_with_history(lines, BudgetLine, **history)
    summary = {
        "pillars": len(new_pillars),
        "axes": len(axes),
        "actions": len(actions),
        "indicators": len(indicators),
        "partners": created_partners + len({line.funder_id for line in lines} - known_funders),
        "budget_lines": len(lines),
    }
    # What was imported is now the plan; the file itself is not kept (its name and fingerprint are).
    upload.applied_at, upload.summary, upload.content = timezone.now(), summary, b""
    upload.save(update_fields=["applied_at", "summary", "content"])
    plan._history_user = by
    plan._change_reason = _(
        "%(reason)s par %(who)s : %(actions)s actions, %(indicators)s indicateurs, %(pillars)s piliers, "
        "%(axes)s axes, %(partners)s organisations créées"
    ) % {"reason": reason, "who": by, **summary}
    plan.save()
    return summary


def _budget_year(plan: Plan, amount: AmountDraft, draft: ActionDraft) -> int:
    """The year an amount is for: as written, else the action's start or due year, else the plan's first; always
    one of the plan's years."""
    for year in (amount.year, draft.start and draft.start.year, draft.due and draft.due.year):
        if year in plan.years:
            return year
    return plan.years[0]


def _budget_lines(plan: Plan, preview: ImportPreview, actions: list, drafts: list) -> list[BudgetLine]:
    """A budget line for every amount the preview read: its funder matched among the organisations the reader
    sees (plan and territory), else created for the plan ("Financeur à préciser" when the cell names none); one
    line per action, funder, year and nature (amounts of the same line added)."""
    funders: dict[str, Partner] = {}
    grouped: dict[tuple, BudgetLine] = {}
    for action, draft in zip(actions, drafts, strict=True):
        for amount in draft.amounts:
            name = amount.funder.strip()[:200] or str(_("Financeur à préciser"))
            key = normalised(name)
            if key not in funders:
                funder = preview.funders.get(key)
                funders[key] = funder.partner if funder and funder.partner else partner_for_plan(
                    plan=plan, name=name, kind=funder.kind if funder else PartnerKind.OTHER
                )  # fmt: skip
            year = _budget_year(plan, amount, draft)
            nature = amount.nature or BudgetNature.UNSPECIFIED
            line_key = (action.pk, funders[key].pk, year, nature)
            if line_key in grouped:
                grouped[line_key].planned_amount += amount.amount
                continue
            grouped[line_key] = BudgetLine(
                plan=plan, action=action, funder=funders[key], year=year, nature=nature, planned_amount=amount.amount
            )
    plan.partners.add(*{funder.pk for funder in funders.values()})
    for line in grouped.values():
        line.clean_fields(exclude=["plan", "action", "funder"])
    return list(grouped.values())


# --- Big files, in the background -------------------------------------------------------------------------------


def _summary(upload: SpreadsheetImport, version: str) -> dict:
    """Read the file and render its preview: what the page shows, kept on the upload until the plan changes."""
    from django.template.loader import render_to_string

    preview = preview_upload(upload)
    html = render_to_string(
        "indicators/_import_preview_body.html",
        {
            "upload": upload,
            "preview": preview,
            "shown": preview.shown(),
            "blocking": preview.blocking[:PREVIEW_PROBLEMS],
            "warnings": preview.warnings[:PREVIEW_PROBLEMS],
        },
    )
    summary = {
        "version": version,
        "language": translation.get_language(),
        "html": html,
        "pillars": [[pillar.name, pillar.kind] for pillar in preview.pillars_to_ask],
        "actions": len(preview.actions),
        "blocking": bool(preview.blocking),
    }
    SpreadsheetImport.objects.filter(pk=upload.pk).update(preview=summary)
    upload.preview = summary
    return summary


def _version(upload: SpreadsheetImport) -> str:
    """What the kept preview depends on: the plan's data, or for a plan still to be created, the day (the
    organisations it would match may change; a preview a day old is read again)."""
    from indicators.jobs import plan_data_version

    if upload.plan_id is None:
        return f"new:{timezone.localdate().isoformat()}"
    return plan_data_version(upload.plan)


def upload_summary(upload: SpreadsheetImport) -> dict | None:
    """The upload's preview for the page: the one kept if the plan has not changed since, else read now for a small
    file (under IMPORT_INLINE_MAX_BYTES: well under a second), else None while a worker reads it."""
    version = _version(upload)
    kept = upload.preview
    if kept.get("version") == version and kept.get("language") == translation.get_language():
        return kept
    if len(upload.content) <= settings.IMPORT_INLINE_MAX_BYTES:
        return _summary(upload, version)
    if upload.status != SpreadsheetImport.READING or _stalled(upload):
        SpreadsheetImport.objects.filter(pk=upload.pk).update(
            status=SpreadsheetImport.READING, started_at=timezone.now()
        )
        upload.status = SpreadsheetImport.READING
        read_upload.enqueue(upload.pk, translation.get_language())
    return None


@task()
def read_upload(upload_id: int, language: str) -> None:
    """Read a big file for its preview, in a worker; a failure is a problem the page shows, like any other."""
    upload = SpreadsheetImport.objects.select_related("plan").filter(pk=upload_id, applied_at=None).first()
    if upload is None:
        return
    with translation.override(language):
        try:
            _summary(upload, _version(upload))
        except Exception as error:  # noqa: BLE001 — the page says the file could not be read
            logger.exception("Reading upload %s failed", upload_id)
            SpreadsheetImport.objects.filter(pk=upload_id).update(
                status=SpreadsheetImport.FAILED,
                error=_("Le fichier n'a pas pu être lu (%(error)s).") % {"error": type(error).__name__},
            )
            return
    SpreadsheetImport.objects.filter(pk=upload_id, status=SpreadsheetImport.READING).update(status="")


def import_confirm(*, upload: SpreadsheetImport, by: User, kinds: dict[str, str], actions: int) -> dict | None:
    """Import now, or, for a file of more than IMPORT_INLINE_MAX_ACTIONS actions (seconds of work), queue it for a
    worker and return None: the preview page then says it is under way, and refreshes until it is done."""
    if actions <= settings.IMPORT_INLINE_MAX_ACTIONS:
        return import_apply(upload=upload, by=by, kinds=kinds)
    if upload.plan_id is None:
        if upload.uploaded_by_id != by.pk:
            raise PermissionDenied
    else:
        check_edit(by, upload.plan)
    with transaction.atomic():
        locked = SpreadsheetImport.objects.select_for_update().get(pk=upload.pk)
        if locked.status in {SpreadsheetImport.QUEUED, SpreadsheetImport.RUNNING} and not import_stalled(locked):
            return None  # confirmed twice: one import
        locked.status, locked.kinds, locked.error, locked.started_at = SpreadsheetImport.QUEUED, kinds, "", None
        locked.save(update_fields=["status", "kinds", "error", "started_at"])
    run_import.enqueue(upload.pk, by.pk)
    return None


def _stalled(upload: SpreadsheetImport) -> bool:
    limit = timezone.now() - datetime.timedelta(minutes=settings.EXPORTS_STALE_MINUTES)
    return upload.started_at is not None and upload.started_at < limit


def import_stalled(upload: SpreadsheetImport) -> bool:
    """Running for longer than a worker ever takes: it died; its transaction wrote nothing."""
    return upload.status == SpreadsheetImport.RUNNING and _stalled(upload)


@task()
def run_import(upload_id: int, user_id: int) -> None:
    """A queued import, by a worker: all or nothing; a refusal or a failure is kept for the page to say."""
    updated = SpreadsheetImport.objects.filter(pk=upload_id, status=SpreadsheetImport.QUEUED).update(
        status=SpreadsheetImport.RUNNING, started_at=timezone.now()
    )
    if not updated:
        return  # done already, or removed
    upload = SpreadsheetImport.objects.select_related("plan").get(pk=upload_id)
    try:
        import_apply(upload=upload, by=User.objects.get(pk=user_id), kinds=upload.kinds)
    except ValidationError as error:
        message = " ".join(error.messages)
    except Exception as error:  # noqa: BLE001 — whatever it is, the page says the import failed and wrote nothing
        logger.exception("Import %s failed", upload_id)
        message = _("L'import a échoué (%(error)s) : rien n'a été enregistré.") % {"error": type(error).__name__}
    else:
        SpreadsheetImport.objects.filter(pk=upload_id).update(status="", error="")
        return
    SpreadsheetImport.objects.filter(pk=upload_id).update(status=SpreadsheetImport.FAILED, error=message)


def imports_prune(*, now: datetime.datetime | None = None) -> int:
    """Forget the files uploaded but never imported after EXPORTS_MAX_AGE_DAYS: a preview is not an archive."""
    now = now or timezone.now()
    limit = now - datetime.timedelta(days=settings.EXPORTS_MAX_AGE_DAYS)
    stale = SpreadsheetImport.objects.filter(applied_at=None, uploaded_at__lt=limit).exclude(
        status__in=[SpreadsheetImport.QUEUED, SpreadsheetImport.RUNNING]
    )
    return stale.delete()[0]


# --- The blank template ---------------------------------------------------------------------------------------

TEMPLATE_NOTES = [
    ("Pilier", gettext_lazy(
        "Le grand volet du plan (réduction de l'offre, prévention, réduction des risques…). Écrit sur la première "
        "action du pilier ; laissé vide ensuite, il vaut « comme au-dessus ».")),
    ("Domaine", gettext_lazy("L'axe du pilier. Vide : le même qu'au-dessus.")),
    ("Champ d'intervention et population ciblée", gettext_lazy(
        "Première ligne de la cellule : le champ d'intervention ; lignes suivantes : le public visé.")),
    ("Gestionnaire et sommaire d'actions", gettext_lazy(
        "Première ligne : l'organisation qui pilote ; ligne suivante : l'intitulé de l'action, puis son sommaire.")),
    ("Commentaires", gettext_lazy("Libre.")),
    ("Compétences et financement envisagé", gettext_lazy(
        "Première ligne : Commune, Intercommunalité, État ou Partagée ; ensuite le financement, avec ses montants "
        "(12 500 € ou 12.500,00).")),
    ("Echéances", gettext_lazy("31/12/2026, 12/2026, déc. 2026, T4 2026, 2026, 2025-2026 ou « en continu ».")),
    ("Indicateurs de résultats (R) et/ou d'Impact (I)", gettext_lazy(
        "Un indicateur par ligne de la cellule, marqué (R) ou (I), ou commençant par « R : » ou « I : ».")),
]  # fmt: skip


def blank_template(fmt: str) -> bytes:
    """The table to fill in, ODS or XLSX: the eight SeNe columns, and a sheet of notes explaining them."""
    from indicators.exports import to_ods, to_xlsx
    from indicators.reports.base import TEXT, Column, Report, Section
    from indicators.reports.suivi import SUIVI_HEADERS, WIDTHS

    report = Report(
        kind="template",
        title=_("Modèle de tableau de suivi"),
        subtitle=_("à remplir puis importer"),
        plan=None,
        name="modele",
        period="",
        sections=[
            Section(
                "suivi",
                _("Tableau de suivi"),
                [Column(h, TEXT, w) for h, w in zip(SUIVI_HEADERS, WIDTHS, strict=True)],
            ),
            Section(
                "notes",
                _("Notes"),
                [Column(_("Colonne"), TEXT, 40), Column(_("Ce qu'elle contient"), TEXT, 100)],
                [[name, str(note)] for name, note in TEMPLATE_NOTES],
            ),
        ],
    )
    return to_ods(report) if fmt == "ods" else to_xlsx(report)
