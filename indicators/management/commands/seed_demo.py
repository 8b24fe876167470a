"""Demo data for `make run`: idempotent, fictional, and it prints the logins.

Two territories: a French commune whose youth-prevention plan (from the Loos template, with its partnership
convention, enriched from the catalogue) is adopted and tracked since 2025, and a Belgian police zone drafting its
2027-2028 plan from the SeNe tracking model. Leads are the organisations whose trade each action is, values follow
from one another (participants from the sessions held), and no real person is named.
"""

import datetime
import hashlib
import io
import itertools
import re
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from indicators import breakdowns
from indicators.enums import EvidenceHolder, IndicatorKind, Unit
from indicators.models import DUE_QUARTERS, Indicator
from indicators.services import (
    indicator_create,
    indicator_update,
    indicators_accept_suggestions,
    quarter_close,
    quarter_save,
)
from partners.enums import PartnerKind
from partners.models import Partner, User
from plans import services
from plans.enums import ActionStatus, Country, MeetingKind, MemberRole, PillarKind, PlanStatus, TerritoryKind
from plans.models import Action, CatalogueMeasure, Plan, PlanTemplate

DEMO_PASSWORD = "demo-plans-2026"

FR_PARTNERS = [
    ("Ville de Val-de-Sorne", "VDS", PartnerKind.MUNICIPAL_SERVICE),
    ("Préfecture du département (démo)", "PREF", PartnerKind.PREFECTURE),
    (
        "Mission interministérielle de lutte contre les drogues et les conduites addictives",
        "MILDECA",
        PartnerKind.MILDECA,
    ),
    ("Parquet du tribunal judiciaire (démo)", "Parquet", PartnerKind.PROSECUTOR),
    ("Commissariat de police nationale de Val-de-Sorne", "PN", PartnerKind.NATIONAL_POLICE),
    ("Police municipale de Val-de-Sorne", "PM", PartnerKind.MUNICIPAL_POLICE),
    ("Services départementaux de l'Éducation nationale (démo)", "DSDEN", PartnerKind.EDUCATION),
    ("CSAPA Le Relais", "CSAPA", PartnerKind.CSAPA),
    ("CAARUD L'Étape", "CAARUD", PartnerKind.CAARUD),
    ("Association Prévention Jeunesse Sorne", "APJS", PartnerKind.ASSOCIATION),
    ("Agence régionale de santé (démo)", "ARS", PartnerKind.HEALTH_AGENCY),
]
BE_PARTNERS = [
    ("Police locale SeNe", "PL SeNe", PartnerKind.LOCAL_POLICE),
    ("Administration communale de SeNe", "Commune", PartnerKind.MUNICIPAL_SERVICE),
    ("Parquet du procureur du Roi (démo)", "Parquet", PartnerKind.CROWN_PROSECUTOR),
    ("Police judiciaire fédérale (démo)", "PJF", PartnerKind.FEDERAL_POLICE),
    ("CPAS de SeNe", "CPAS", PartnerKind.CPAS),
    ("Relais Santé SeNe (asbl)", "Relais Santé", PartnerKind.DRUG_AID_SERVICE),
    ("Administration des douanes et accises (démo)", "Douanes", PartnerKind.CUSTOMS),
    ("SPF Intérieur — Direction Sécurité locale intégrale", "SPF Intérieur", PartnerKind.SPF_INTERIOR),
    ("Service public de Wallonie — Intérieur et Action sociale", "SPW", PartnerKind.COMMUNITY_REGION),
]

# Who leads each measure the French committee took from the catalogue: the organisation whose trade it is.
FR_LEADS = {
    "cooperation-forces-demantelement": "PM",
    "biens-mal-acquis": "VDS",
    "controle-alcool-mineurs": "PN",
    "reamenagement-points-deal": "VDS",
    "implication-habitants": "VDS",
    "consultations-jeunes-consommateurs": "CSAPA",
    "parcours-sortie-delinquance": "APJS",
    "maraudes-rdr": "CAARUD",
    "groupe-pilotage": "VDS",
    "diagnostic-territoire": "VDS",
    "engagement-credits-regulier": "VDS",
    "campagnes-addictions": "VDS",
    "formations-parents-tout-public": "APJS",
    "prevention-milieu-festif": "CAARUD",
}

FR_EXTRA_STRUCTURE = [
    (
        PillarKind.SUPPLY_REDUCTION,
        "Réduction de l'offre et tranquillité publique",
        [
            (
                "Coopération avec les forces de sécurité",
                ["cooperation-forces-demantelement", "biens-mal-acquis", "controle-alcool-mineurs"],
            ),
            ("Reconquête des espaces publics", ["reamenagement-points-deal", "implication-habitants"]),
        ],
    ),
    (
        PillarKind.CARE,
        "Soins et réduction des risques",
        [
            (
                "Accès aux soins des jeunes consommateurs",
                ["consultations-jeunes-consommateurs", "parcours-sortie-delinquance", "maraudes-rdr"],
            ),
        ],
    ),
    (
        PillarKind.TRANSVERSAL,
        "Pilotage et évaluation",
        [
            ("Gouvernance du plan", ["groupe-pilotage", "diagnostic-territoire", "engagement-credits-regulier"]),
            (
                "Prévention tout public",
                ["campagnes-addictions", "formations-parents-tout-public", "prevention-milieu-festif"],
            ),
        ],
    ),
]

# (domain, title, field of intervention, lead): what the zone's committee added to the SeNe model so far.
BE_EXTRA_ACTIONS = [
    ("Paix publique", "Contrôles ciblés aux abords de la gare et des lieux festifs", "Abords de la gare, week-ends",
     "PL SeNe"),
    ("Paix publique", "Patrouilles pédestres dans les quartiers signalés", "Quartiers du centre", "PL SeNe"),
    ("Paix publique", "Sensibilisation des exploitants de débits de boissons", "Débits de boissons et night-shops",
     "Commune"),
    ("Paix publique", "Contrôle de la vente d'alcool aux mineurs dans les night-shops", "Night-shops", "PL SeNe"),
    ("Amélioration de la collecte de l'information",
     "Échange hebdomadaire d'information avec la police judiciaire fédérale", "Actions transversales", "PL SeNe"),
    ("Amélioration de la collecte de l'information", "Veille sur les ventes par réseaux sociaux et messageries",
     "Actions transversales", "PL SeNe"),
    ("Amélioration de la collecte de l'information", "Fiche de signalement commune aux inspecteurs de quartier",
     "Inspecteurs de quartier", "PL SeNe"),
    ("Amélioration de l'efficacité du travail de police judiciaire",
     "Opérations conjointes avec la douane sur les envois postaux", "Centres de tri", "Douanes"),
    ("Amélioration de l'efficacité du travail de police judiciaire",
     "Former les inspecteurs de quartier au repérage des signes de trafic", "Organisation de formations", "PL SeNe"),
    ("Accompagnement sanitaire et social", "Maraudes conjointes avec le service d'aide en toxicomanie",
     "Personnes consommatrices sans abri du centre-ville", "Relais Santé"),
    ("Accompagnement sanitaire et social", "Protocole d'orientation vers le CPAS et le réseau d'aide",
     "Personnes consommatrices en situation de précarité", "CPAS"),
    ("Réduction des risques, dommages et nuisances", "Suivi des nuisances liées à l'alcool sur l'espace public",
     "Espaces publics du centre", "PL SeNe"),
    ("Réduction des risques, dommages et nuisances", "Action aux abords des écoles avec les directions",
     "Abords des écoles secondaires", "Commune"),
    ("Recherche et information", "Cartographie semestrielle des lieux de consommation", "Études / enquêtes",
     "PL SeNe"),
    ("Coordination", "Réunion trimestrielle du groupe de pilotage", "Groupe de pilotage", "PL SeNe"),
    ("Relations avec les autorités administratives et judiciaires",
     "Rapport semestriel au bourgmestre et au parquet", "Autorités administratives et judiciaires", "PL SeNe"),
]  # fmt: skip

# Where some actions stand whatever their due date: a steering group is installed first; a pace of commitments and
# a quarterly meeting go on for the whole plan.
STATUS_OF = [
    ("Installer un groupe de pilotage", ActionStatus.DONE),
    ("Engager les crédits à un rythme régulier", ActionStatus.IN_PROGRESS),
    ("Réunion trimestrielle du groupe de pilotage", ActionStatus.IN_PROGRESS),
]

# Counts per quarter a committee would recognise, by what the indicator counts: (pattern, low, high). The first
# pattern that matches wins; participants are worked out from the sessions they attended (PER_SESSION).
COUNT_RANGES = [
    (r"réunions du groupe de pilotage", 1, 2),
    (r"^nombre de réunions$", 2, 3),
    (r"réunions avec les habitants", 1, 3),
    (r"classes bénéficiaires", 3, 6),
    (r"établissements couverts", 1, 4),
    (r"séances|sessions|stages organisés|rencontres organisées|campagnes menées|maraudes", 2, 6),
    (r"sites réaménagés|biens réaffectés|communications publiques", 0, 2),
    (r"points de deal actifs", 4, 9),
    (r"professionnels formés", 6, 16),
    (r"commerces informés|débits informés", 6, 20),
    (r"contrôles", 4, 14),
    (r"signalements|informations", 6, 24),
    (r"kits distribués", 150, 380),
    (r"seringues", 15, 40),
    (r"passages", 180, 420),
    (r"contacts", 40, 110),
    (r"jeunes|situations|familles reçues|personnes", 3, 14),
]
# People per session: a class, a youth group, a parents' group. (participants pattern, sessions pattern, low, high)
PER_SESSION = [
    (r"élèves", r"classes bénéficiaires", 22, 27),
    (r"élèves", r"établissements couverts", 60, 120),
    (r"jeunes participants", r"séances", 8, 15),
    (r"familles participantes|parents touchés", r"séances|sessions", 5, 10),
    (r"personnes touchées", r"campagnes menées", 150, 400),
    (r"participants", r"sessions|séances", 10, 25),
]
# A count that can never exceed another of the same action: (pattern, the bounding count's pattern).
BOUNDED_BY = [(r"jeunes orientés", r"situations examinées")]
PERCENT_RANGES = [(r"refuser", 55, 70), (r"emploi|formation", 30, 45), (r"crédits engagés", 60, 80)]
# What a committee writes in its quarterly notes, by where the action stands.
NOTES = {
    ActionStatus.PLANNED: ["Démarrage prévu le trimestre prochain ; les partenaires sont sollicités."],
    ActionStatus.IN_PROGRESS: [
        "Avancement conforme au calendrier arrêté en comité de pilotage.",
        "Point d'étape présenté au comité technique ; pas de difficulté signalée.",
        "Retard lié au recrutement de l'intervenant ; rattrapage prévu le trimestre prochain.",
        "Partenaires mobilisés ; premier bilan attendu en fin d'année.",
    ],
    ActionStatus.DONE: ["Action menée à son terme ; bilan présenté au comité de pilotage."],
    ActionStatus.SUSPENDED: ["Suspendue dans l'attente d'un nouvel intervenant ; reprise à l'étude."],
    ActionStatus.ABANDONED: [
        "Abandonnée sur décision du comité de pilotage : le besoin est couvert par un autre dispositif."
    ],
}  # fmt: skip
SESSION_NOTES = [
    "Séances tenues comme prévu ; fréquentation stable.",
    "Deux séances reportées pendant les vacances scolaires, rattrapées en fin de trimestre.",
    "Un groupe supplémentaire ouvert à la demande de l'établissement.",
]


def _pick(key: str, low: int, high: int) -> int:
    """A number in [low, high] that depends only on `key`: the same demo on every machine."""
    return low + int(hashlib.sha256(key.encode()).hexdigest(), 16) % (high - low + 1)


def _range(table: list, label: str, default: tuple[int, int]) -> tuple[int, int]:
    """The (low, high) of the first pattern of `table` the label matches."""
    return next(((low, high) for pattern, low, high in table if re.search(pattern, label.lower())), default)


def demo_counts(labels: list[str], key: str) -> dict[str, int]:
    """One quarter's counts for an action's indicators (their labels), sessions and participants consistent."""
    values = {}
    for label in labels:
        values[label] = _pick(f"{key}-{label}", *_range(COUNT_RANGES, label, (2, 10)))
    for label in labels:
        text = label.lower()
        for people, sessions, low, high in PER_SESSION:
            source = next((other for other in labels if other != label and re.search(sessions, other.lower())), None)
            if re.search(people, text) and source is not None:
                values[label] = values[source] * _pick(f"{key}-{label}-size", low, high)
                break
    for label in labels:
        for pattern, bound in BOUNDED_BY:
            source = next((other for other in labels if re.search(bound, other.lower())), None)
            if re.search(pattern, label.lower()) and source is not None:
                values[label] = min(values[label], values[source])
    return values


def demo_trend(label: str, step: int, steps: int) -> int:
    """An impact count of the territory (points de deal still active…), the same whichever action reports it,
    slowly going down over the quarters."""
    low, high = _range(COUNT_RANGES, label, (2, 10))
    return round(high - (high - low) * step / steps) + _pick(f"{label}-{step}", 0, 1)


def demo_percentage(label: str, key: str) -> int:
    return _pick(f"{key}-{label}", *_range(PERCENT_RANGES, label, (40, 70)))


class Command(BaseCommand):
    help = "Create the fictional demo territories, plans and users (with a published password), and print the logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even with DEBUG off (production settings). The demo accounts share a published password.",
        )

    @transaction.atomic
    def handle(self, *args, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "seed_demo creates accounts whose password is published in the README: it only runs with DEBUG on "
                "(development). To load the demo on a server anyway, pass --allow-production."
            )
        services.reference_data_sync()
        operator, _ = Partner.objects.get_or_create(
            name="Opérateur de la plateforme", kind=PartnerKind.OTHER, defaults={"acronym": "OPS"}
        )
        logins = []
        # The platform operator's account is a superuser: only ever created for local development.
        if settings.DEBUG and (admin := self._user("admin@demo.example", "Admin", "Plateforme", operator, staff=True)):
            logins.append((admin, "", "administration Django"))
        logins += self._french_commune()
        logins += self._belgian_zone()
        self._plan_request()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready. Log in at {settings.SITE_URL.rstrip('/')}/ with (password for all):")
        )
        self.stdout.write(f"  password: {DEMO_PASSWORD}")
        for user, plan, role in logins:
            self.stdout.write(f"  {user.email:<42} {role:<32} {plan}")

    def _plan_request(self):
        """The parquet's reader asks for a plan its organisation is not the authority of: the platform's team
        (admin@demo.example) finds it on /plans/demandes/."""
        from plans.models import PlanRequest

        reader = User.objects.filter(email="lecture@parquet-sene.example").first()
        if reader is None or PlanRequest.objects.filter(requested_by=reader).exists():
            return
        PlanRequest.objects.create(
            requested_by=reader,
            territory_name="Arrondissement judiciaire de SeNe",
            territory_kind=TerritoryKind.POLICE_ZONE,
            country=Country.BELGIUM,
            official_code="5998",  # outside the real zones' numbers: a fictional zone
            department="Liège",
            arrondissement="Liège",
            title="Plan d'action parquet – zone de police 2027-2028",
            period_start=datetime.date(2027, 1, 1),
            period_end=datetime.date(2028, 12, 31),
            reason="Le parquet coordonnera le volet répressif avec la zone voisine, qui n'a pas encore de plan.",
        )

    # --- helpers ------------------------------------------------------------------------------------------

    def _user(self, email, first_name, last_name, partner, staff=False):
        """The demo account, created with the demo password; an account seed_demo did not create is left alone."""
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email, first_name=first_name, last_name=last_name, partner=partner, is_demo=True)
            user.is_staff = user.is_superuser = staff
            user.set_password(DEMO_PASSWORD)
            user.save()
        elif not user.is_demo:
            self.stderr.write(
                self.style.WARNING(f"  {email} already exists and was not created by seed_demo: left untouched.")
            )
            return None
        return user

    def _partners(self, rows):
        partners = {}
        for name, acronym, kind in rows:
            partner, _ = Partner.objects.get_or_create(name=name, kind=kind, defaults={"acronym": acronym})
            partners[acronym] = partner
        return partners

    def _members(self, plan, coordinator, people):
        logins = []
        for email, first, last, partner, role in people:
            user = self._user(email, first, last, partner)
            if user is None:
                continue
            if partner is not None:
                plan.partners.add(partner)  # the demo's members come from the plan's partner organisations
            membership = plan.memberships.filter(user=user).first()
            if membership is None:
                services.member_invite(
                    plan=plan, by=coordinator, email=email, role=role, partner=partner, notify=False
                )
            elif membership.role != role:
                services.member_change_role(membership=membership, by=coordinator, role=role)
            logins.append((user, plan.title, MemberRole(role).label))
        return logins

    def _schedule(self, plan, coordinator, *, today, lead_for, complete=True):
        """Give every action its lead, dates, a status and progress, as a committee a few months in would.

        `lead_for(action)` names the organisation whose trade the action is; an action the template leaves without
        a lead keeps none (the SeNe model names none for some domains). A draft (`complete=False`) still misses
        some due dates."""
        # Most actions past their due date are done; a few slipped (late), as in any real plan.
        past = itertools.cycle(
            [
                ActionStatus.DONE,
                ActionStatus.DONE,
                ActionStatus.IN_PROGRESS,
                ActionStatus.DONE,
                ActionStatus.ABANDONED,
                ActionStatus.DONE,
            ]
        )
        future = itertools.cycle(
            [
                ActionStatus.IN_PROGRESS,
                ActionStatus.PLANNED,
                ActionStatus.IN_PROGRESS,
                ActionStatus.SUSPENDED,
                ActionStatus.IN_PROGRESS,
            ]
        )
        span = (plan.period_end - plan.period_start).days
        actions = list(
            plan.actions.select_related("axis", "source_measure").order_by(
                "axis__pillar__order", "axis__number", "order"
            )
        )
        for index, action in enumerate(actions):
            due = plan.period_start + datetime.timedelta(days=int(span * (0.2 + 0.75 * ((index * 37) % 100) / 100)))
            status = next(past) if due < today else next(future)
            start = plan.period_start + datetime.timedelta(days=(index * 11) % 120)
            progress = {ActionStatus.DONE: 100, ActionStatus.PLANNED: 0, ActionStatus.SUSPENDED: 30}.get(
                status, 20 + (index * 13) % 70
            )
            if plan.period_start > today:  # a plan being prepared: nothing has started yet
                status, progress = ActionStatus.PLANNED, 0
            elif status != ActionStatus.ABANDONED:
                status = next((s for prefix, s in STATUS_OF if action.title.startswith(prefix)), status)
                progress = 100 if status == ActionStatus.DONE else min(progress, 80)
            services.action_update(
                action=action,
                by=coordinator,
                expected_version=action.version,
                lead=action.lead or lead_for(action),
                start_date=min(start, due),
                due_date=None if (not complete and index % 7 == 3) else due,
                status=status,
                progress=progress,
            )

    # --- the French commune -------------------------------------------------------------------------------

    def _french_commune(self):
        partners = self._partners(FR_PARTNERS)
        coordinator = self._user("coordination@val-de-sorne.example", "Claire", "Morel", partners["VDS"])
        if coordinator is None:
            return []
        plan = Plan.objects.filter(slug="val-de-sorne-2025-2027").first()
        today = datetime.date(2026, 11, 22)
        if plan is None:
            territory = services.territory_get_or_create(
                name="Val-de-Sorne",
                kind=TerritoryKind.COMMUNE,
                country=Country.FRANCE,
                official_code="99901",
                population=38_500,
                department="99 — Sorne (département fictif)",
            )
            territory.authorities.add(partners["VDS"])  # the town hall: creates its plans without a request
            plan = services.plan_create(
                by=coordinator,
                territory=territory,
                title="Plan local de prévention de l'entrée des jeunes dans les trafics 2025-2027",
                period_start=datetime.date(2025, 1, 1),
                period_end=datetime.date(2027, 12, 31),
                description=(
                    "Prévenir l'enrôlement des jeunes dans les trafics et réduire les nuisances dans les quartiers "
                    "Nord et Gare, dans le cadre de la convention signée avec la MILDECA et la préfecture."
                ),
                template=PlanTemplate.objects.get(code="prevention-jeunes-trafics"),
                partners=list(partners.values()),
            )
            for kind, name, axes in FR_EXTRA_STRUCTURE:
                pillar = services.pillar_create(plan=plan, by=coordinator, kind=kind, name=name)
                for axis_name, codes in axes:
                    axis = services.axis_create(pillar=pillar, by=coordinator, name=axis_name)
                    measures = list(CatalogueMeasure.objects.filter(code__in=codes))
                    services.actions_add_from_catalogue(plan=plan, by=coordinator, axis=axis, measures=measures)
            self._schedule(
                plan,
                coordinator,
                today=today,
                lead_for=lambda action: partners[FR_LEADS[action.source_measure.code]],
            )
            indicators_accept_suggestions(plan=plan, by=coordinator)
            for action in plan.actions.filter(indicators=None):
                indicator_create(plan=plan, by=coordinator, action=action, label="Nombre d'actions menées")
            self._french_budget(plan, coordinator, partners)
            services.plan_adopt(
                plan=plan,
                by=coordinator,
                date=datetime.date(2025, 2, 10),
                kind=MeetingKind.STEERING,
                decisions=(
                    "Adoption du plan 2025-2027 et de sa programmation financière ; point d'étape chaque trimestre."
                ),
            )
            services.plan_change_status(plan=plan, by=coordinator, status=PlanStatus.ACTIVE)
            # The dashboard's key indicators, with targets the committee set at adoption.
            # The usual breakdowns; the young participants are counted by age band.
            dimensions = breakdowns.presets_add(plan=plan, by=coordinator)
            counted = Indicator.objects.filter(plan=plan, unit=Unit.COUNT).select_related("action").order_by("pk")
            for indicator in counted[:6]:
                # A quarter's target on the scale of the quarter's values (what the quarter page compares).
                labels = list(indicator.action.indicators.values_list("label", flat=True))
                indicator_update(
                    indicator=indicator,
                    by=coordinator,
                    is_key=True,
                    target_value=Decimal(demo_counts(labels, f"target-{indicator.action.title}")[indicator.label]),
                    breakdown=dimensions[0] if "jeunes" in indicator.label else None,
                )
            self._french_tracking(plan, coordinator)
            self._french_evidence(plan, coordinator)
            self._french_convention(plan, coordinator, partners)
        people = [
            ("coordination@val-de-sorne.example", "Claire", "Morel", partners["VDS"], MemberRole.COORDINATOR),
            ("redaction@val-de-sorne.example", "Karim", "Benali", partners["VDS"], MemberRole.EDITOR),
            ("contribution@apjs.example", "Sophie", "Lambert", partners["APJS"], MemberRole.CONTRIBUTOR),
            ("lecture@prefecture.example", "Jean", "Vasseur", partners["PREF"], MemberRole.VIEWER),
        ]
        logins = self._members(plan, coordinator, people)
        self._french_reviews(plan, coordinator)
        return logins

    def _french_evidence(self, plan, coordinator):
        """The adoption meeting's minutes, as a PDF the committee would file."""
        from django.core.files.uploadedfile import SimpleUploadedFile
        from weasyprint import HTML

        from indicators.evidence import Target, evidence_add

        minutes = HTML(
            string=(
                "<h1>Comité de pilotage du 10 février 2025</h1><p>Compte rendu. Présents : la commune, la "
                "préfecture, la MILDECA, l'APJS, la police nationale, l'éducation nationale, le CSAPA, le parquet."
                "</p><p>Le comité adopte le plan 2025-2027 et sa programmation financière.</p>"
            )
        ).write_pdf()
        target = Target(EvidenceHolder.MEETING, meeting=plan.adopted_meeting)
        upload = SimpleUploadedFile("Compte rendu COPIL 10-02-2025.pdf", minutes)
        evidence_add(plan=plan, by=coordinator, target=target, upload=upload)

    def _french_convention(self, plan, coordinator, partners):
        """The template's three-year partnership convention, signed by the commune, the préfecture and MILDECA as in
        Loos, with each party's commitments."""
        from plans.services.conventions import commitment_add, commitment_set_status, convention_save

        convention = convention_save(
            plan=plan,
            by=coordinator,
            convention=plan.conventions.get(),
            title="Convention de partenariat pour le plan local de prévention 2025-2027",
            kind="partnership",
            signed_on=datetime.date(2025, 1, 20),
            starts_on=datetime.date(2025, 1, 1),
            ends_on=None,
            duration_months=36,
            renewal_terms="Reconduction par avenant, après le bilan de la troisième année.",
            parties=[
                (partners["VDS"], "le maire"),
                (partners["PREF"], "la préfète"),
                (partners["MILDECA"], "la présidente de la MILDECA"),
            ],
        )
        actions = list(plan.actions.order_by("pk")[:3])
        rows = [
            ("MILDECA", "Verser 50 % des crédits de l'année en janvier, le solde à réception du bilan annuel.",
             datetime.date(2026, 1, 31), "kept"),
            ("VDS", "Mettre à disposition un coordinateur à mi-temps et une salle pour le comité de pilotage.",
             datetime.date(2025, 3, 31), "kept"),
            ("VDS", "Transmettre le bilan annuel 2025 à la MILDECA et à la préfecture.",
             datetime.date(2026, 3, 31), "kept"),
            ("PREF", "Réunir le comité de pilotage au moins deux fois par an.",
             datetime.date(2026, 12, 31), "pending"),
            ("VDS", "Transmettre le bilan de mi-parcours des actions de prévention.",
             datetime.date(2026, 9, 30), "pending"),
        ]  # fmt: skip
        for acronym, what, due_on, status in rows:
            commitment = commitment_add(
                convention=convention, by=coordinator, partner=partners[acronym], what=what, due_on=due_on,
                actions=actions if acronym == "VDS" else [],
            )  # fmt: skip
            if status == "kept":
                commitment_set_status(commitment=commitment, by=coordinator, status=status, on=due_on)
        from plans.services import funding_update

        for funding in plan.fundings.filter(funder__in=[partners["MILDECA"], partners["PREF"]]):
            funding_update(funding=funding, by=coordinator, convention=convention)
        # The 2025 review went to MILDECA and the préfecture in March: MILDECA's 2026 balance is now expected.
        from indicators.services import annual_review_send

        annual_review_send(
            plan=plan,
            by=coordinator,
            year=2025,
            recipients=[partners["MILDECA"], partners["PREF"]],
            sent_on=datetime.date(2026, 3, 20),
        )

    def _french_reviews(self, plan, coordinator):
        """The préfecture validates with the coordinator; in T3 2026 the APJS has submitted two actions, one of
        them validated already (once: a second run leaves what the demo's users did)."""
        from indicators.models import ActionReview
        from indicators.reviews import review_submit, review_validate

        reader = plan.memberships.filter(user__email="lecture@prefecture.example").first()
        if reader is not None and not reader.validator:
            services.member_change_role(membership=reader, by=coordinator, role=reader.role, validator=True)
        contributor = User.objects.filter(email="contribution@apjs.example").first()
        period = plan.periods.filter(year=2026, quarter=3, closed_at=None).first()
        if contributor is None or period is None or ActionReview.objects.filter(period__plan=plan).exists():
            return
        led = list(plan.actions.filter(lead=contributor.partner, progress_updates__period=period).order_by("pk")[:2])
        for index, action in enumerate(led):
            indicator = action.indicators.order_by("pk").first()
            if indicator is not None:  # the attendance sheet behind the figure, as a photo
                from django.core.files.uploadedfile import SimpleUploadedFile
                from PIL import Image, ImageDraw

                from indicators.evidence import Target, evidence_add

                image = Image.new("RGB", (640, 420), "white")
                ImageDraw.Draw(image).text((24, 24), f"Feuille d'émargement — {period.label}", fill="black")
                photo = io.BytesIO()
                image.save(photo, "JPEG")
                target = Target(EvidenceHolder.VALUE, action=action, indicator=indicator, period=period)
                upload = SimpleUploadedFile(f"emargement-{period.label}.jpg", photo.getvalue())
                evidence_add(plan=plan, by=contributor, target=target, upload=upload)
            review = review_submit(action=action, period=period, by=contributor)
            if index == 0:
                review_validate(review=review, by=coordinator)

    def _french_budget(self, plan, coordinator, partners):
        """Grants paid in two instalments, lines on every action, execution up to the third quarter of 2026."""
        grants = [
            (
                "MILDECA",
                2025,
                "Crédits MILDECA — plan local",
                "30000",
                [("15000", (2025, 1, 20), (2025, 1, 28)), ("15000", (2025, 6, 30), (2025, 7, 8))],
            ),
            (
                "MILDECA",
                2026,
                "Crédits MILDECA — plan local",
                "32000",
                # The balance: once the 2025 review is sent (recorded in _french_convention).
                [("16000", (2026, 1, 20), (2026, 1, 27)), ("16000", None, None)],
            ),
            ("PREF", 2026, "FIPD — prévention de la délinquance", "15000", [("15000", (2026, 4, 15), (2026, 5, 2))]),
            ("ARS", 2026, "Fonds d'intervention régional", "10000", [("10000", (2026, 3, 31), (2026, 4, 10))]),
            ("VDS", 2025, "Budget communal", "25000", []),
            ("VDS", 2026, "Budget communal", "25000", []),
        ]
        for acronym, year, label, amount, instalments in grants:
            services.funding_create(
                plan=plan,
                by=coordinator,
                funder=partners[acronym],
                year=year,
                label=label,
                amount_granted=Decimal(amount),
                instalments=[
                    {
                        "amount": Decimal(a),
                        "expected_on": e and datetime.date(*e),
                        "received_on": r and datetime.date(*r),
                        "after_review_year": None if e else year - 1,
                    }
                    for a, e, r in instalments
                ],
            )
        # Who pays for what: MILDECA the prevention, the ARS the care and risk reduction (from 2026), the préfecture's
        # FIPD the public-space actions (from 2026), the commune the rest and every line its grants do not cover.
        by_pillar = {
            PillarKind.PREVENTION: {2025: "MILDECA", 2026: "MILDECA"},
            PillarKind.CARE: {2025: "MILDECA", 2026: "ARS"},
            PillarKind.RISK_REDUCTION: {2025: "MILDECA", 2026: "ARS"},
            PillarKind.SUPPLY_REDUCTION: {2025: "VDS", 2026: "PREF"},
        }
        granted = {(a, year): Decimal(amount) for a, year, _label, amount, _i in grants}
        actions = list(
            plan.actions.select_related("axis__pillar", "lead").order_by(
                "axis__pillar__order", "axis__number", "order"
            )
        )
        lines = {}  # (funder, year) → [(action, weight)]
        for index, action in enumerate(actions):
            for year in (2025, 2026):
                funder = by_pillar.get(action.axis.pillar.kind, {}).get(year, "VDS")
                lines.setdefault((funder, year), []).append((action, 1 + index % 3))
        for (acronym, year), rows in lines.items():
            # 90 % of the grant spread over its lines, the larger actions weighing more.
            total = granted[(acronym, year)] * Decimal("0.9")
            weights = sum(weight for _action, weight in rows)
            for action, weight in rows:
                lead = action.lead.kind if action.lead else ""
                if lead in {PartnerKind.ASSOCIATION, PartnerKind.CSAPA, PartnerKind.CAARUD}:
                    nature = "subsidy"
                elif lead == PartnerKind.MUNICIPAL_SERVICE and action.axis.pillar.kind == PillarKind.TRANSVERSAL:
                    nature = "staff"
                else:
                    nature = "operating"
                planned = (total * weight / weights).quantize(Decimal("1E1"))
                line = services.budget_line_create(
                    action=action,
                    by=coordinator,
                    funder=partners[acronym],
                    year=year,
                    nature=nature,
                    planned_amount=planned,
                    fte=Decimal("0.20") if nature == "staff" else None,
                )
                # 2025 is committed late in the year (the pace warning shows it); 2026 more evenly, up to Q3.
                shares = {2025: [0, 10, 20, 60], 2026: [25, 25, 20, 0]}[year]
                cent = Decimal("0.01")
                amounts = {
                    q: (
                        (planned * share / 100).quantize(cent),
                        (planned * share / 100 * (Decimal("0.8") if q < 3 else Decimal("0.4"))).quantize(cent),
                    )
                    for q, share in enumerate(shares, start=1)
                }
                services.execution_record(line=line, by=coordinator, amounts=amounts)

    def _french_tracking(self, plan, coordinator):
        """Quarters filled since T1 2025 and closed up to T2 2026; T3 2026 half done, T4 2026 under way.

        Each quarter's counts are what happened in that quarter (not running totals), in ranges a committee would
        recognise, and the people counted follow from the sessions held (`demo_counts`)."""
        periods = list(plan.periods.filter(year__lte=2026).order_by("year", "quarter"))
        reported = [p for p in periods if (p.year, p.quarter) <= (2026, 3)]
        actions = list(plan.actions.select_related("lead").order_by("pk"))
        final = {a.pk: (a.status, a.progress) for a in actions}  # the services update the instances as they go
        indicators = list(Indicator.objects.filter(plan=plan).select_related("breakdown").order_by("pk"))
        labels = {}
        for indicator in indicators:
            labels.setdefault(indicator.action_id, []).append(indicator.label)
        for step, period in enumerate(reported, start=1):
            last = step == len(reported)
            progress = []
            for index, action in enumerate(actions):
                final_status, final_progress = final[action.pk]
                value = final_progress if last else int(final_progress * step / len(reported))
                status = final_status if last else (ActionStatus.IN_PROGRESS if value else ActionStatus.PLANNED)
                with_sessions = any(re.search(r"séances|sessions", label) for label in labels.get(action.pk, []))
                notes = SESSION_NOTES if with_sessions and status == ActionStatus.IN_PROGRESS else NOTES[status]
                schools = action.lead is not None and action.lead.kind == PartnerKind.EDUCATION
                progress.append(
                    {
                        "action": action,
                        "status": status,
                        "progress": value,
                        "note": notes[(index + step) % len(notes)],
                        "blockers": "Attente de la convention avec le collège." if schools and step == 2 else "",
                    }
                )
            # Nothing is counted for an action that has not started, nor for one suspended or abandoned by then.
            silent = {
                row["action"].pk
                for row in progress
                if row["status"] in {ActionStatus.PLANNED, ActionStatus.SUSPENDED, ActionStatus.ABANDONED}
            }
            values = []
            counts = {
                action_id: demo_counts(names, f"{action_id}-{period.year}-{period.quarter}")
                for action_id, names in labels.items()
            }
            for index, indicator in enumerate(indicators):
                if period.quarter not in DUE_QUARTERS[indicator.frequency] or (last and index % 3 == 0):
                    continue  # T3 2026: a third of the values are still to come
                if indicator.action_id in silent:
                    continue
                number, text = None, ""
                if indicator.unit == Unit.TEXT:
                    text = f"Document transmis au comité de pilotage ({period.label})."
                elif indicator.unit == Unit.YES_NO:
                    number = Decimal(1)
                elif indicator.unit == Unit.PERCENTAGE:
                    number = Decimal(demo_percentage(indicator.label, f"{indicator.pk}-{period.year}"))
                elif indicator.kind == IndicatorKind.IMPACT:
                    number = Decimal(demo_trend(indicator.label, step, len(reported)))
                else:
                    number = Decimal(counts[indicator.action_id][indicator.label])
                value = {"indicator": indicator, "value_number": number, "value_text": text, "comment": ""}
                if indicator.breakdown_id:  # young people by age band: mostly minors, some young adults
                    bands = list(indicator.breakdown.categories.order_by("order"))
                    parts = [(number * share).quantize(Decimal(1)) for share in (Decimal("0.55"), Decimal("0.4"))]
                    parts += [number - sum(parts), Decimal(0)]
                    value["parts"] = {str(band.pk): part for band, part in zip(bands, parts, strict=True)}
                values.append(value)
            quarter_save(period=period, by=coordinator, progress=progress, measurements=values)
            if (period.year, period.quarter) <= (2026, 2):
                quarter_close(period=period, by=coordinator)

    # --- the Belgian police zone --------------------------------------------------------------------------

    def _belgian_zone(self):
        partners = self._partners(BE_PARTNERS)
        coordinator = self._user("strategie@zp-sene.example", "Thomas", "Renard", partners["PL SeNe"])
        if coordinator is None:
            return []
        plan = Plan.objects.filter(slug="zone-de-police-sene-2027-2028").first()
        if plan is None:
            territory = services.territory_get_or_create(
                name="Zone de police SeNe",
                kind=TerritoryKind.POLICE_ZONE,
                country=Country.BELGIUM,
                official_code="5999",  # outside the real zones' numbers: a fictional zone
                population=95_000,
                department="Liège",
                arrondissement="Liège",
            )
            territory.authorities.add(partners["PL SeNe"])  # the police zone: creates its plans without a request
            plan = services.plan_create(
                by=coordinator,
                territory=territory,
                title="Plan d'actions drogues 2027-2028",
                period_start=datetime.date(2027, 1, 1),
                period_end=datetime.date(2028, 12, 31),
                description=(
                    "Contribuer à la sécurité publique en réduisant l'offre de drogues illicites et les nuisances "
                    "liées aux consommations sur l'espace public, avec les partenaires sociaux et médicaux."
                ),
                template=PlanTemplate.objects.get(code="sene-modele-suivi"),
                partners=list(partners.values()),
            )
            # The committee gave the second pillar its first domain.
            precarity = plan.pillars.get(kind=PillarKind.RISK_REDUCTION)
            services.axis_create(pillar=precarity, by=coordinator, name="Accompagnement sanitaire et social")
            axes = {axis.name: axis for pillar in plan.pillars.all() for axis in pillar.axes.all()}
            for axis_name, title, field, lead in BE_EXTRA_ACTIONS:
                services.action_create(
                    plan=plan,
                    by=coordinator,
                    axis=axes[axis_name],
                    title=title,
                    field_of_intervention=field,
                    lead=partners[lead],
                )
            # The template's domains without a gestionnaire keep none: the committee has yet to name one.
            self._schedule(
                plan, coordinator, today=datetime.date(2026, 11, 22), lead_for=lambda action: None, complete=False
            )
            # Half the suggestions accepted so far: the drafting is under way.
            first_half = plan.actions.order_by("pk")[: plan.actions.count() // 2]
            indicators_accept_suggestions(plan=plan, by=coordinator, actions=Action.objects.filter(pk__in=first_half))
            self._belgian_budget(plan, coordinator, partners)
            services.meeting_record(
                plan=plan,
                by=coordinator,
                date=datetime.date(2026, 9, 15),
                kind=MeetingKind.STEERING,
                decisions="Installation du groupe de pilotage ; validation de la structure du plan.",
            )
        people = [
            ("strategie@zp-sene.example", "Thomas", "Renard", partners["PL SeNe"], MemberRole.COORDINATOR),
            ("pilotage@zp-sene.example", "Nadia", "El Amrani", partners["Commune"], MemberRole.EDITOR),
            ("terrain@relais-sante-sene.example", "Luc", "Peeters", partners["Relais Santé"], MemberRole.CONTRIBUTOR),
            ("lecture@parquet-sene.example", "Anne", "Dubois", partners["Parquet"], MemberRole.VIEWER),
        ]
        return self._members(plan, coordinator, people)

    def _belgian_budget(self, plan, coordinator, partners):
        """What a police zone's drugs plan runs on: the SPF Intérieur's strategic security and prevention plan
        (PSSP), the Walloon social cohesion plan (PCS) for the social work, the commune's prevention service and the
        zone's own staff. 2027 is decided (nothing received yet); 2028 is asked, in the same amounts."""
        grants = [
            ("SPF Intérieur", "Plan stratégique de sécurité et de prévention (PSSP) — volet drogues", "30000",
             [("22500", (2027, 6, 30), None), ("7500", (2028, 3, 31), None)]),
            ("SPW", "Plan de cohésion sociale — action assuétudes", "18000", [("18000", (2027, 9, 30), None)]),
            ("Commune", "Budget communal — service de prévention", "8000", []),
            ("PL SeNe", "Budget de la zone — personnel affecté au plan", "40000", []),
        ]  # fmt: skip
        for acronym, label, amount, instalments in grants:
            services.funding_create(
                plan=plan,
                by=coordinator,
                funder=partners[acronym],
                year=2027,
                label=label,
                amount_granted=Decimal(amount),
                instalments=[
                    {"amount": Decimal(a), "expected_on": datetime.date(*e), "received_on": r and datetime.date(*r)}
                    for a, e, r in instalments
                ],
            )
        # (the action's title begins with, funder, nature, amount a year, FTE): an inspector costs about 65 000 € a
        # year, so 0.15 FTE is 9 750 €.
        lines = [
            ("Organisation d'actions communes", "PL SeNe", "staff", "9750", "0.15"),
            ("Contrôles ciblés aux abords de la gare", "PL SeNe", "staff", "13000", "0.20"),
            ("Patrouilles pédestres", "PL SeNe", "staff", "13000", "0.20"),
            ("Sensibilisation des exploitants", "Commune", "operating", "2500", None),
            ("Veille sur les ventes par réseaux sociaux", "SPF Intérieur", "equipment", "4800", None),
            ("Former les inspecteurs de quartier", "SPF Intérieur", "operating", "3600", None),
            ("Maraudes conjointes", "SPW", "subsidy", "12000", None),
            ("Protocole d'orientation vers le CPAS", "SPF Intérieur", "staff", "16250", "0.25"),
            ("Réduction des risques et prises en charge", "SPW", "subsidy", "5000", None),
            ("Action aux abords des écoles", "Commune", "operating", "3000", None),
            ("Cartographie semestrielle", "SPF Intérieur", "operating", "2400", None),
            ("Réunion trimestrielle du groupe de pilotage", "Commune", "operating", "600", None),
        ]
        for title, acronym, nature, amount, fte in lines:
            action = plan.actions.get(title__startswith=title)
            for year in (2027, 2028):
                services.budget_line_create(
                    action=action,
                    by=coordinator,
                    funder=partners[acronym],
                    year=year,
                    nature=nature,
                    planned_amount=Decimal(amount),
                    fte=Decimal(fte) if fte else None,
                )
