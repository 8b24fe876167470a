"""Open data: one value per column, machine-readable names, codes next to their labels, and a dictionary.

The open-data CSV of a report section (`?format=csv-opendata`) writes the section's dataset: its fields are
described here once, for the CSV writer and for the data dictionary served next to the files
(`/plans/<id>/rapports/dictionnaire/`, in HTML and CSV).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

INTEGER, DECIMAL, DATE, TEXT, CODE, BOOLEAN = "integer", "decimal", "date", "text", "code", "boolean"
KIND_LABELS = {
    INTEGER: _("entier"),
    DECIMAL: _("nombre décimal (point décimal, sans séparateur de milliers)"),
    DATE: _("date ISO 8601 (AAAA-MM-JJ)"),
    TEXT: _("texte"),
    CODE: _("code (valeurs listées)"),
    BOOLEAN: _("true / false"),
}


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    description: str
    codes: str = ""  # for a code: its values


@dataclass(frozen=True)
class Spec:
    key: str
    title: str
    description: str
    fields: tuple[Field, ...]


STATUS_CODES = "planned, in_progress, done, suspended, abandoned"
PILLAR_KINDS = "supply_reduction, prevention, risk_reduction, care, law_enforcement, transversal"

ACTIONS = Spec(
    "actions",
    _("Actions du plan"),
    _("Une ligne par action, dans l'ordre du plan, avec son état au dernier trimestre renseigné du rapport."),
    (
        Field("action_id", INTEGER, _("Identifiant de l'action dans l'application.")),
        Field("pillar", TEXT, _("Pilier.")),
        Field("pillar_kind", CODE, _("Type de pilier."), PILLAR_KINDS),
        Field("axis_number", INTEGER, _("Numéro de l'axe (domaine) dans son pilier.")),
        Field("axis", TEXT, _("Intitulé de l'axe (domaine).")),
        Field("title", TEXT, _("Intitulé de l'action.")),
        Field("summary", TEXT, _("Sommaire de l'action.")),
        Field("field_of_intervention", TEXT, _("Champ d'intervention.")),
        Field("target_groups", TEXT, _("Population ciblée (des publics, jamais des personnes).")),
        Field("lead", TEXT, _("Gestionnaire (organisation pilote).")),
        Field("lead_acronym", TEXT, _("Sigle du gestionnaire.")),
        Field("comments", TEXT, _("Commentaires.")),
        Field("competence", CODE, _("Niveau de compétence."), "commune, intercommunality, state, shared"),
        Field("competence_label", TEXT, _("Niveau de compétence, en clair.")),
        Field("financing_note", TEXT, _("Financement envisagé.")),
        Field("planned_amount", DECIMAL, _("Budget prévu sur l'action, toutes années et tous financeurs (euros).")),
        Field("start_date", DATE, _("Début de l'action.")),
        Field("due_date", DATE, _("Échéance de l'action.")),
        Field("status", CODE, _("Statut."), STATUS_CODES),
        Field("status_label", TEXT, _("Statut, en clair.")),
        Field("progress", INTEGER, _("Avancement, en pourcentage (0 à 100).")),
        Field("late", BOOLEAN, _("En retard : échéance passée, ni réalisée ni abandonnée.")),
        Field("last_note", TEXT, _("Dernier point d'avancement : ce qui a été fait.")),
        Field("last_blockers", TEXT, _("Dernier point d'avancement : ce qui bloque.")),
        Field("cost_class", INTEGER, _("Classe de coût (0 : sans coût notable, 1 : faible, 2 : moyen, 3 : élevé).")),
        Field("first_year", BOOLEAN, _("À mener dès la première année du plan.")),
        Field("pillar_description", TEXT, _("Description du pilier.")),
        Field("axis_description", TEXT, _("Description de l'axe.")),
        Field(
            "budget_lines",
            TEXT,
            _("Lignes budgétaires de l'action, une par ligne : « Budget prévu AAAA — financeur : montant (nature) »."),
        ),
        Field("indicators", TEXT, _("Indicateurs de l'action, un par ligne : « R : intitulé » ou « I : intitulé ».")),
        Field(
            "indicator_settings",
            TEXT,
            _(
                "Réglages des indicateurs de l'action, en JSON : une liste d'objets (kind, label, unit, frequency, "
                "is_key, baseline_value, target_value, target_date, direction), mêmes codes que le jeu des "
                "indicateurs ; nombres écrits en texte (point décimal), dates ISO 8601."
            ),
        ),
    ),
)

INDICATORS = Spec(
    "indicateurs",
    _("Indicateurs"),
    _("Une ligne par indicateur, avec ses valeurs du rapport (trimestre, ou quatre trimestres de l'année)."),
    (
        Field("indicator_id", INTEGER, _("Identifiant de l'indicateur.")),
        Field("action_id", INTEGER, _("Identifiant de l'action mesurée (vide pour un indicateur de contexte).")),
        Field("action", TEXT, _("Intitulé de l'action mesurée.")),
        Field("kind", CODE, _("Type d'indicateur."), "result, impact, context"),
        Field("letter", CODE, _("Lettre du tableau de suivi."), "R, I, C"),
        Field("label", TEXT, _("Intitulé de l'indicateur.")),
        Field("unit", CODE, _("Unité."), "count, percentage, euros, yes_no, text"),
        Field("frequency", CODE, _("Fréquence."), "quarterly, half_yearly, yearly"),
        Field("baseline_value", DECIMAL, _("Valeur de référence.")),
        Field("target_value", DECIMAL, _("Cible.")),
        Field("direction", CODE, _("Sens souhaité."), "up, down, hold"),
        Field("is_key", BOOLEAN, _("Indicateur clé (suivi au tableau de bord).")),
        Field("target_date", DATE, _("Date à laquelle la cible doit être atteinte.")),
        Field("period", TEXT, _("Trimestre de la valeur (AAAA-Tn) ; pour un bilan annuel, l'année.")),
        Field("value", DECIMAL, _("Valeur du trimestre ; pour un bilan annuel, la dernière de l'année.")),
        Field("value_text", TEXT, _("Réponse, pour un indicateur de type document ou texte.")),
        Field("q1", DECIMAL, _("Bilan annuel : valeur du T1.")),
        Field("q2", DECIMAL, _("Bilan annuel : valeur du T2.")),
        Field("q3", DECIMAL, _("Bilan annuel : valeur du T3.")),
        Field("q4", DECIMAL, _("Bilan annuel : valeur du T4.")),
        Field("previous_value", DECIMAL, _("Rapport trimestriel : valeur précédente.")),
        Field("target_reached", BOOLEAN, _("La dernière valeur atteint la cible (vide si on ne peut pas le dire).")),
    ),
)

FUNDERS = Spec(
    "financeurs",
    _("Exécution budgétaire par financeur"),
    _("Une ligne par financeur ; montants en euros."),
    (
        Field("funder", TEXT, _("Financeur.")),
        Field("planned", DECIMAL, _("Montant prévu sur les lignes budgétaires.")),
        Field("granted", DECIMAL, _("Montant accordé.")),
        Field("committed", DECIMAL, _("Montant engagé.")),
        Field("paid", DECIMAL, _("Montant payé.")),
        Field("received", DECIMAL, _("Bilan annuel : montant versé au plan par le financeur.")),
        Field("share_of_plan", DECIMAL, _("Rapport trimestriel : part du budget prévu du plan, en pourcentage.")),
    ),
)

BREAKDOWNS = Spec(
    "ventilations",
    _("Valeurs ventilées"),
    _(
        "Une ligne par catégorie (ou par paire de catégories) d'un indicateur ventilé. Un effectif de 1 à 4 "
        "n'est pas publié : la valeur est vide et « masked » dit « < 5 » (ou « masqué » pour la part cachée "
        "avec lui, afin qu'il ne se déduise pas du total)."
    ),
    (
        Field("indicator_id", INTEGER, _("Identifiant de l'indicateur.")),
        Field("action_id", INTEGER, _("Identifiant de l'action mesurée (vide pour un indicateur de contexte).")),
        Field("label", TEXT, _("Intitulé de l'indicateur.")),
        Field("unit", CODE, _("Unité."), "count, euros"),
        Field("period", TEXT, _("Trimestre de la valeur (AAAA-Tn).")),
        Field("dimension", TEXT, _("Ventilation (par exemple : tranche d'âge).")),
        Field("category", TEXT, _("Catégorie.")),
        Field("dimension_2", TEXT, _("Seconde ventilation, croisée avec la première (vide sinon).")),
        Field("category_2", TEXT, _("Catégorie de la seconde ventilation.")),
        Field("value", DECIMAL, _("Valeur de la catégorie ; vide quand elle est masquée.")),
        Field("masked", TEXT, _("« < 5 » ou « masqué » quand la valeur n'est pas publiée, vide sinon.")),
    ),
)

SPECS = {spec.key: spec for spec in (ACTIONS, INDICATORS, FUNDERS, BREAKDOWNS)}


@dataclass
class OpenData:
    """A section's open data: its spec and rows of {field name: value}."""

    spec: Spec
    records: Sequence[dict]  # a list, or reports.base.Rows made when read

    @property
    def fields(self) -> tuple[Field, ...]:
        return self.spec.fields

    def rows(self) -> list[list]:
        return [[record.get(field.name) for field in self.spec.fields] for record in self.records]


def dictionary_csv() -> bytes:
    """The data dictionary as open data itself: dataset, field, type, codes, description."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["dataset", "field", "type", "codes", "description"])
    for spec in SPECS.values():
        for field in spec.fields:
            writer.writerow([spec.key, field.name, field.kind, field.codes, str(field.description)])
    return buffer.getvalue().encode("utf-8")
