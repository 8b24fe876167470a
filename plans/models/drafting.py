import datetime
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.inputs import CleanTextModel
from partners.models import Partner
from plans.enums import (
    FINISHED_STATUSES,
    ActionPartnerRole,
    ActionStatus,
    Competence,
    CostClass,
    Country,
    MeasureSize,
    MeetingKind,
    MemberRole,
    PillarKind,
    PlanStatus,
    SizeClass,
    TerritoryKind,
)
from plans.territories import territory_check

PRIVACY_HELP = _("Pas de nom de personne ni de donnée de santé : des organisations, des publics et des chiffres.")


class Territory(CleanTextModel):
    """A commune, an intercommunality, a Belgian police zone or a département."""

    SMALL_MAX = 10_000
    MEDIUM_MAX = 50_000

    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type de territoire"), max_length=20, choices=TerritoryKind.choices)
    country = models.CharField(_("pays"), max_length=2, choices=Country.choices, default=Country.FRANCE)
    official_code = models.CharField(
        _("code officiel"),
        max_length=20,
        help_text=_(
            "France : code INSEE d'une commune, SIREN d'un EPCI, code d'un département. Belgique : code NIS d'une "
            "commune ou d'une province, numéro d'une zone de police."
        ),
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    size_class = models.CharField(_("taille"), max_length=10, choices=SizeClass.choices)
    department = models.CharField(
        _("département ou province"),
        max_length=80,
        blank=True,
        help_text=_("Par exemple « 59 — Nord » ou « Hainaut » : les vues d'ensemble regroupent les plans par là."),
    )
    arrondissement = models.CharField(
        _("arrondissement"),
        max_length=80,
        blank=True,
        help_text=_("En Belgique, l'arrondissement administratif ; déduit du code NIS d'une commune."),
    )
    authorities = models.ManyToManyField(
        "partners.Partner",
        verbose_name=_("autorités du territoire"),
        blank=True,
        related_name="governed_territories",
        help_text=_(
            "Les organisations qui sont l'autorité de ce territoire (mairie, EPCI, zone de police, préfecture) : "
            "leurs membres y créent un plan sans demande. Les autres demandent à l'équipe de la plateforme."
        ),
    )

    class Meta:
        verbose_name = _("territoire")
        verbose_name_plural = _("territoires")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["country", "kind", "official_code"], name="territory_unique_code"),
        ]
        indexes = [models.Index(fields=["country", "department"])]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        errors, self.department, self.arrondissement = territory_check(
            country=self.country,
            kind=self.kind,
            official_code=self.official_code,
            department=self.department,
            arrondissement=self.arrondissement,
        )
        self.official_code = (self.official_code or "").strip().upper()
        if errors:
            raise ValidationError(errors)

    @classmethod
    def size_class_for(cls, population: int | None) -> str:
        if population is None or population < cls.SMALL_MAX:
            return SizeClass.SMALL
        if population <= cls.MEDIUM_MAX:
            return SizeClass.MEDIUM
        return SizeClass.LARGE

    @property
    def timezone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo("Europe/Brussels" if self.country == Country.BELGIUM else "Europe/Paris")


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Plans where the user has a membership, each annotated with the user's role (`user_role`) and whether
        they validate what is submitted (`user_validator`)."""
        if not user.is_authenticated:
            return self.none()
        membership = Membership.objects.filter(plan=OuterRef("pk"), user=user)
        return self.filter(memberships__user=user).annotate(
            user_role=Subquery(membership.values("role")[:1]),
            user_validator=Subquery(membership.values("validator")[:1]),
        )

    def with_list_data(self):
        """Territory and action count, the count as a subquery so that a page of plans counts only its own."""
        actions = Action.objects.filter(plan=OuterRef("pk")).order_by().values("plan").annotate(n=Count("pk"))
        return self.select_related("territory").annotate(action_count=Coalesce(Subquery(actions.values("n")), 0))

    def with_tree(self):
        """The plan page: pillars, axes and actions with their leads, in one query per level."""
        return self.select_related("territory", "adopted_meeting").prefetch_related(tree_prefetch())


def tree_prefetch() -> Prefetch:
    """Pillars → axes → actions (with lead), ordered as the plan reads; also for `prefetch_related_objects`."""
    actions = Action.objects.select_related("lead").order_by("order", "pk")
    axes = Axis.objects.order_by("number", "pk").prefetch_related(Prefetch("actions", queryset=actions))
    return Prefetch(
        "pillars", queryset=Pillar.objects.order_by("order", "pk").prefetch_related(Prefetch("axes", queryset=axes))
    )


class PlanRequest(CleanTextModel):
    """A plan asked for by someone whose organisation is not the territory's authority: the platform's team
    approves it (the plan is then created, its requester coordinating it) or refuses it with a reason."""

    PENDING, APPROVED, REFUSED = "pending", "approved", "refused"
    STATES = [(PENDING, _("en attente")), (APPROVED, _("acceptée")), (REFUSED, _("refusée"))]

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("demandée par"), on_delete=models.CASCADE, related_name="+"
    )
    requested_at = models.DateTimeField(_("demandée le"), auto_now_add=True)
    territory_name = models.CharField(_("nom du territoire"), max_length=200)
    territory_kind = models.CharField(_("type de territoire"), max_length=20, choices=TerritoryKind.choices)
    country = models.CharField(_("pays"), max_length=2, choices=Country.choices)
    official_code = models.CharField(_("code officiel"), max_length=20)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    department = models.CharField(_("département ou province"), max_length=80, blank=True)
    arrondissement = models.CharField(_("arrondissement"), max_length=80, blank=True)
    title = models.CharField(_("titre du plan"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    period_start = models.DateField(_("début"))
    period_end = models.DateField(_("fin"))
    template = models.ForeignKey(
        "PlanTemplate", verbose_name=_("modèle"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(
        _("message à l'équipe de la plateforme"),
        blank=True,
        help_text=_("Qui porte le plan sur le territoire, et à quel titre vous le coordonnerez."),
    )
    state = models.CharField(_("état"), max_length=10, choices=STATES, default=PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("décidée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    decision_note = models.TextField(_("motif"), blank=True)
    plan = models.ForeignKey(
        "Plan", verbose_name=_("plan créé"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("demande de plan")
        verbose_name_plural = _("demandes de plan")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["state", "requested_at"])]

    def __str__(self):
        return f"{self.title} — {self.territory_name}"

    @property
    def is_pending(self) -> bool:
        return self.state == self.PENDING


class Plan(CleanTextModel):
    # What the frame step changes; status and adoption have their own services.
    FRAME_FIELDS = ("title", "period_start", "period_end", "description", "validated_only", "reporting_deadline_days")

    territory = models.ForeignKey(
        Territory, verbose_name=_("territoire"), on_delete=models.PROTECT, related_name="plans"
    )
    title = models.CharField(_("intitulé"), max_length=200)
    slug = models.SlugField(_("identifiant court"), max_length=80, unique=True)
    description = models.TextField(_("objectifs généraux"), blank=True, help_text=PRIVACY_HELP)
    period_start = models.DateField(_("début de la période"))
    period_end = models.DateField(_("fin de la période"))
    status = models.CharField(_("statut"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    reporting_deadline_days = models.PositiveSmallIntegerField(
        _("délai de saisie (jours)"),
        default=15,
        validators=[MaxValueValidator(90)],
        help_text=_("Jours après la fin d'un trimestre pour le renseigner ; un rappel part 7 jours avant."),
    )
    validated_only = models.BooleanField(
        _("ne publier que les valeurs validées"),
        default=False,
        help_text=_(
            "Le tableau de bord et les liens de partage ne montrent alors que les valeurs et les points "
            "d'avancement validés ; un interrupteur y ajoute ceux qui sont soumis, signalés comme tels."
        ),
    )
    adopted_on = models.DateField(_("date d'adoption"), null=True, blank=True)
    adopted_meeting = models.ForeignKey(
        "Meeting",
        verbose_name=_("réunion d'adoption"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    partners = models.ManyToManyField(
        Partner,
        verbose_name=_("partenaires du plan"),
        related_name="plans",
        blank=True,
        help_text=_("Les organisations qui pilotent, contribuent à ou financent des actions du plan."),
    )
    template = models.ForeignKey(
        "PlanTemplate",
        verbose_name=_("modèle d'origine"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plans",
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = PlanQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan d'actions")
        verbose_name_plural = _("plans d'actions")
        ordering = ["-period_start", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gt=models.F("period_start")),
                name="plan_period_end_after_start",
                violation_error_message=_("La fin de la période doit être postérieure à son début."),
            ),
            models.CheckConstraint(
                condition=Q(status=PlanStatus.DRAFT) | Q(adopted_on__isnull=False, adopted_meeting__isnull=False),
                name="plan_adopted_has_adoption_record",
                violation_error_message=_("Un plan adopté doit garder sa date et sa réunion d'adoption."),
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.period_start and self.period_end and self.period_end <= self.period_start:
            raise ValidationError(
                {"period_end": _("La fin de la période doit être postérieure à son début.")}, code="period"
            )
        if self.period_start and self.period_end and (self.period_end - self.period_start).days > 366 * 10:
            raise ValidationError({"period_end": _("Un plan couvre au plus dix ans.")}, code="period_too_long")
        if self.status != PlanStatus.DRAFT and (self.adopted_on is None or self.adopted_meeting_id is None):
            raise ValidationError(
                _("Un plan adopté doit garder sa date et sa réunion d'adoption."), code="adoption_record"
            )

    @property
    def is_draft(self) -> bool:
        return self.status == PlanStatus.DRAFT

    @property
    def is_closed(self) -> bool:
        return self.status == PlanStatus.CLOSED

    @property
    def user_role_label(self) -> str:
        """The label of the `user_role` that `visible_to(user)` annotates."""
        role = getattr(self, "user_role", None)
        return MemberRole(role).label if role else ""

    @property
    def years(self) -> list[int]:
        return list(range(self.period_start.year, self.period_end.year + 1))

    @property
    def period_label(self) -> str:
        start, end = (date_format(d, "SHORT_DATE_FORMAT") for d in (self.period_start, self.period_end))
        return f"{start} – {end}"


class Membership(models.Model):
    """A user's role on one plan; roles are per plan."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("personne"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("rôle"), max_length=15, choices=MemberRole.choices)
    validator = models.BooleanField(
        _("valide les valeurs"),
        default=False,
        help_text=_("Valide ou renvoie ce que les contributeurs soumettent chaque trimestre, avec le coordinateur."),
    )
    created_at = models.DateTimeField(_("ajouté le"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membre")
        verbose_name_plural = _("membres")
        ordering = ["plan", "role", "user__last_name"]
        constraints = [models.UniqueConstraint(fields=["plan", "user"], name="membership_unique_user_per_plan")]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()}"


class Meeting(CleanTextModel):
    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField(_("date"))
    kind = models.CharField(_("instance"), max_length=15, choices=MeetingKind.choices, default=MeetingKind.STEERING)
    decisions = models.TextField(_("décisions"), blank=True, help_text=PRIVACY_HELP)
    created_at = models.DateTimeField(_("enregistrée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("réunion")
        verbose_name_plural = _("réunions")
        ordering = ["-date"]

    def __str__(self):
        return gettext("%(kind)s du %(date)s") % {
            "kind": self.get_kind_display(),
            "date": date_format(self.date, "SHORT_DATE_FORMAT"),
        }


class Pillar(CleanTextModel):
    EDITABLE_FIELDS = ("kind", "name", "description")

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="pillars")
    kind = models.CharField(_("type de pilier"), max_length=20, choices=PillarKind.choices)
    name = models.CharField(_("nom"), max_length=200)
    description = models.TextField(_("description"), blank=True, help_text=PRIVACY_HELP)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("pilier")
        verbose_name_plural = _("piliers")
        ordering = ["plan", "order", "pk"]

    def __str__(self):
        return self.name


class Axis(CleanTextModel):
    """An axis ("domaine" in the SeNe model), numbered within its pillar."""

    EDITABLE_FIELDS = ("pillar", "number", "name", "description")

    pillar = models.ForeignKey(Pillar, verbose_name=_("pilier"), on_delete=models.PROTECT, related_name="axes")
    number = models.PositiveSmallIntegerField(_("numéro"))
    name = models.CharField(_("nom"), max_length=250)
    description = models.TextField(_("description"), blank=True, help_text=PRIVACY_HELP)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("axe")
        verbose_name_plural = _("axes")
        ordering = ["pillar__order", "number", "pk"]

    def __str__(self):
        return f"{_('Axe')} {self.number} — {self.name}"


class ActionQuerySet(models.QuerySet):
    def late(self, today: datetime.date | None = None):
        """Past their due date and neither done nor abandoned; computed, never stored."""
        return self.filter(Action.late_condition(today or timezone.localdate()))

    def running(self):
        """Neither done nor abandoned."""
        return self.exclude(status__in=FINISHED_STATUSES)

    def matching(self, text: str):
        return self.filter(Q(title__icontains=text) | Q(summary__icontains=text)) if text else self

    def filtered(self, *, q="", pillar=None, axis=None, lead=None, status="", late=False, today=None):
        """The actions list's filters; each one left empty keeps every action."""
        actions = self.matching(q)
        for name, value in (("axis__pillar", pillar), ("axis", axis), ("lead", lead), ("status", status)):
            if value:
                actions = actions.filter(**{name: value})
        return actions.late(today) if late else actions

    def in_plan_order(self):
        return self.order_by("axis__pillar__order", "axis__number", "order", "pk")

    def with_list_data(self):
        """The actions list: axis, pillar and lead in the same query."""
        return self.select_related("axis__pillar", "lead")


class Action(CleanTextModel):
    """One line of the plan, with every column of the SeNe tracking model."""

    # What the drafting form and the API may change; the rest is managed by services.
    EDITABLE_FIELDS = [
        "axis",
        "title",
        "field_of_intervention",
        "target_groups",
        "lead",
        "summary",
        "comments",
        "competence",
        "financing_note",
        "start_date",
        "due_date",
        "status",
        "progress",
        "cost_class",
        "first_year",
    ]

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="actions")
    axis = models.ForeignKey(Axis, verbose_name=_("axe"), on_delete=models.PROTECT, related_name="actions")
    title = models.CharField(_("intitulé"), max_length=250)
    field_of_intervention = models.TextField(_("champ d'intervention"), blank=True, help_text=PRIVACY_HELP)
    target_groups = models.TextField(
        _("population ciblée"), blank=True, help_text=_("Des publics (« collégiens de 4e »), jamais des personnes.")
    )
    lead = models.ForeignKey(
        Partner,
        verbose_name=_("gestionnaire (pilote)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_actions",
    )
    summary = models.TextField(_("sommaire de l'action"), blank=True, help_text=PRIVACY_HELP)
    partners = models.ManyToManyField(
        Partner, verbose_name=_("partenaires associés"), through="ActionPartner", related_name="actions", blank=True
    )
    comments = models.TextField(_("commentaires"), blank=True, help_text=PRIVACY_HELP)
    competence = models.CharField(_("compétence"), max_length=20, choices=Competence.choices, blank=True)
    financing_note = models.TextField(_("financement envisagé"), blank=True)
    start_date = models.DateField(_("début"), null=True, blank=True)
    due_date = models.DateField(_("échéance"), null=True, blank=True)
    status = models.CharField(_("statut"), max_length=15, choices=ActionStatus.choices, default=ActionStatus.PLANNED)
    progress = models.PositiveSmallIntegerField(
        _("avancement (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    cost_class = models.PositiveSmallIntegerField(
        _("classe de coût"), choices=CostClass.choices, null=True, blank=True
    )
    first_year = models.BooleanField(_("dès la première année"), default=False)
    order = models.PositiveIntegerField(_("ordre dans l'axe"), default=0)
    indicator_suggestions = models.JSONField(_("indicateurs suggérés"), default=list, blank=True)
    source_measure = models.ForeignKey(
        "CatalogueMeasure",
        verbose_name=_("mesure du catalogue"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    objects = ActionQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["axis__pillar__order", "axis__number", "order", "pk"]
        indexes = [models.Index(fields=["plan", "status"]), models.Index(fields=["plan", "due_date"])]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="action_progress_at_most_100"),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(due_date__isnull=True)
                | Q(due_date__gte=models.F("start_date")),
                name="action_due_after_start",
                violation_error_message=_("L'échéance ne peut pas précéder le début de l'action."),
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        errors = {}
        if self.axis_id and self.plan_id and self.axis.pillar.plan_id != self.plan_id:
            errors["axis"] = _("Cet axe appartient à un autre plan.")
        if self.start_date and self.due_date and self.due_date < self.start_date:
            errors["due_date"] = _("L'échéance ne peut pas précéder le début de l'action.")
        plan = self.plan if self.plan_id else None
        if plan and self.due_date:
            earliest, latest = plan.period_start, plan.period_end
            if not earliest <= self.due_date <= latest:
                errors.setdefault(
                    "due_date",
                    _("L'échéance doit se situer dans la période du plan, du %(start)s au %(end)s.")
                    % {
                        "start": date_format(earliest, "SHORT_DATE_FORMAT"),
                        "end": date_format(latest, "SHORT_DATE_FORMAT"),
                    },
                )
        if plan and self.start_date and self.start_date > plan.period_end:
            errors["start_date"] = _("L'action ne peut pas commencer après la fin du plan.")
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def late_condition(today: datetime.date, prefix: str = "") -> Q:
        """The one definition of "late", as a database condition (`prefix`: "actions__" from a plan)."""
        return Q(**{f"{prefix}due_date__lt": today}) & ~Q(**{f"{prefix}status__in": FINISHED_STATUSES})

    @staticmethod
    def progress_for(status: str, progress: int) -> int:
        """A done action is 100 % done, whatever was typed."""
        return 100 if status == ActionStatus.DONE else progress

    def is_late(self, today: datetime.date | None = None, *, status: str | None = None) -> bool:
        """Past its due date and neither done nor abandoned (in `status` when a quarter reported another)."""
        today = today or timezone.localdate()
        return bool(self.due_date and self.due_date < today and (status or self.status) not in FINISHED_STATUSES)


class ActionPartner(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="partner_links")
    partner = models.ForeignKey(Partner, verbose_name=_("partenaire"), on_delete=models.PROTECT, related_name="+")
    role = models.CharField(
        _("rôle"), max_length=15, choices=ActionPartnerRole.choices, default=ActionPartnerRole.CONTRIBUTOR
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partenaire de l'action")
        verbose_name_plural = _("partenaires de l'action")
        constraints = [
            models.UniqueConstraint(fields=["action", "partner", "role"], name="action_partner_unique_role"),
        ]

    def __str__(self):
        return f"{self.partner} ({self.get_role_display()})"


class PlanTemplate(models.Model):
    """A ready-made plan structure shipped with the product (see plans/reference_data.py)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    description = models.TextField(_("description"))
    source = models.CharField(_("source"), max_length=300)
    source_key = models.CharField(_("document source"), max_length=20, blank=True)
    structure = models.JSONField(_("structure"), default=dict)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("modèle de plan")
        verbose_name_plural = _("modèles de plan")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    @property
    def pillar_count(self) -> int:
        return len(self.structure.get("pillars", []))

    @property
    def axis_count(self) -> int:
        return sum(len(p.get("axes", [])) for p in self.structure.get("pillars", []))

    @property
    def action_count(self) -> int:
        return sum(len(a.get("actions", [])) for p in self.structure.get("pillars", []) for a in p.get("axes", []))


class CatalogueMeasureQuerySet(models.QuerySet):
    def filtered(self, *, size="", pillar_kind="", competence="", first_year=False, max_cost=None, q=""):
        """The catalogue's filters; each one left empty keeps every measure."""
        measures = self.suited_to(size) if size in SizeClass.values else self
        if pillar_kind:
            measures = measures.filter(pillar_kind=pillar_kind)
        if competence:
            measures = measures.filter(competence=competence)
        if first_year:
            measures = measures.filter(first_year=True)
        if max_cost is not None:
            measures = measures.filter(cost_class__lte=max_cost)
        if q:
            measures = measures.filter(Q(title__icontains=q) | Q(description__icontains=q))
        return measures

    def suited_to(self, size_class: str):
        """Measures for all communes, for this size, or for 'medium and large' when it applies."""
        sizes = [MeasureSize.ALL, size_class]
        if size_class in {SizeClass.MEDIUM, SizeClass.LARGE}:
            sizes.append(MeasureSize.MEDIUM_LARGE)
        return self.filter(commune_size__in=sizes)


class CatalogueMeasure(models.Model):
    """A measure a committee can pick, written in our own words from the source documents."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    title = models.CharField(_("intitulé"), max_length=250)
    description = models.TextField(_("description"))
    pillar_kind = models.CharField(_("type de pilier"), max_length=20, choices=PillarKind.choices)
    commune_size = models.CharField(_("taille de commune"), max_length=15, choices=MeasureSize.choices)
    competence = models.CharField(_("niveau de compétence"), max_length=20, choices=Competence.choices)
    cost_class = models.PositiveSmallIntegerField(_("classe de coût"), choices=CostClass.choices)
    first_year = models.BooleanField(_("dès la première année"), default=False)
    source = models.CharField(_("source"), max_length=300)
    source_key = models.CharField(_("document source"), max_length=20, blank=True)
    source_excerpt = models.TextField(_("passage de la source"), blank=True)
    source_scope = models.CharField(
        _("communes et niveau selon la source"), max_length=120, blank=True, help_text=_("Les mots de la source.")
    )
    # The qualities ("commune_size", "competence", "cost_class", "first_year") the source does not give: ours.
    estimated = models.JSONField(_("estimations de la plateforme"), default=list, blank=True)
    indicator_suggestions = models.JSONField(_("indicateurs suggérés"), default=list, blank=True)

    objects = CatalogueMeasureQuerySet.as_manager()

    class Meta:
        verbose_name = _("mesure du catalogue")
        verbose_name_plural = _("mesures du catalogue")
        ordering = ["pillar_kind", "title"]

    def __str__(self):
        return self.title

    @property
    def is_product_proposal(self) -> bool:
        return self.source_key == "product"


class SpreadsheetImport(models.Model):
    """A spreadsheet someone uploaded to bring a plan in: kept from the preview to the confirmation, then as the
    record of who imported what file. Its content is only read back by the import itself, never served."""

    # None while the plan is still to be created from the file: it is created with the import, once confirmed.
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="imports", null=True, blank=True
    )
    # The new plan's frame as the creation form received it (plans.services.plans.plan_create_from), while `plan`
    # is None; dates in ISO form, the template by id.
    new_plan = models.JSONField(_("plan à créer"), default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("envoyé par"), on_delete=models.PROTECT, related_name="+"
    )
    filename = models.CharField(_("nom du fichier"), max_length=200)
    content = models.BinaryField(_("contenu"))
    sha256 = models.CharField(_("empreinte"), max_length=64)
    uploaded_at = models.DateTimeField(_("envoyé le"), auto_now_add=True)
    applied_at = models.DateTimeField(_("importé le"), null=True, blank=True)
    summary = models.JSONField(_("ce qui a été créé"), default=dict, blank=True)
    # A big file is read, then imported, by a worker (indicators.imports.read_upload, run_import).
    READING, QUEUED, RUNNING, FAILED = "reading", "queued", "running", "failed"
    status = models.CharField(
        _("état"),
        max_length=10,
        blank=True,
        choices=[
            (READING, _("en lecture")),
            (QUEUED, _("en attente")),
            (RUNNING, _("en cours")),
            (FAILED, _("échoué")),
        ],
    )
    # The preview as the page shows it, once read: {"version", "language", "html", "pillars", "actions", "blocking"}.
    preview = models.JSONField(_("aperçu"), default=dict, blank=True)
    kinds = models.JSONField(_("types des piliers choisis"), default=dict, blank=True)
    started_at = models.DateTimeField(_("commencé le"), null=True, blank=True)
    error = models.TextField(_("erreur"), blank=True)

    class Meta:
        verbose_name = _("import de tableau")
        verbose_name_plural = _("imports de tableaux")
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.filename
