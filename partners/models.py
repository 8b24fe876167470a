import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.enums import PartnerKind


class Partner(models.Model):
    """An organisation taking part in plans: a State service, a police force, an association..."""

    name = models.CharField(_("nom"), max_length=200)
    acronym = models.CharField(_("sigle"), max_length=30, blank=True)
    kind = models.CharField(_("type"), max_length=30, choices=PartnerKind.choices)
    contact_email = models.EmailField(
        _("adresse de contact"),
        blank=True,
        help_text=_("Une adresse de service (accueil, secrétariat), pas celle d'une personne."),
    )
    contact_phone = models.CharField(_("téléphone de contact"), max_length=30, blank=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("partenaire")
        verbose_name_plural = _("partenaires")
        ordering = ["name"]
        # No uniqueness across the platform: two territories' "Parquet" are two records, each seen only by its
        # territory's plans (plans.services.members.partner_for_plan reuses one within a territory).
        indexes = [models.Index(Lower("name"), "kind", name="partner_name_kind")]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    @property
    def short_name(self) -> str:
        return self.acronym or self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_queryset(self):
        # Every page shows the user's organisation in the header: fetch it with the user.
        return super().get_queryset().select_related("partner")

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("A superuser must have is_staff=True and is_superuser=True.")
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        # Logins are case-insensitive: emails are stored lower-case.
        return self.get(**{self.model.USERNAME_FIELD: (username or "").strip().lower()})


class User(AbstractUser):
    """A person using the product, logging in with an email address and belonging to a partner."""

    username = None
    email = models.EmailField(_("adresse électronique"), unique=True)
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
    )

    # Set by `seed_demo` on the accounts it creates: the only accounts it will ever touch again.
    is_demo = models.BooleanField(_("compte de démonstration"), default=False, editable=False)
    # The kinds of reminder this person does not want (indicators.notices.KINDS); none: every kind.
    notices_off = models.JSONField(_("rappels refusés"), default=list, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ["last_name", "first_name", "email"]

    def __str__(self):
        return self.get_full_name() or self.email

    def clean(self):
        super().clean()
        self.email = (self.email or "").strip().lower()


class ApiTokenQuerySet(models.QuerySet):
    def active(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at=None, expires_at__gt=now)


class ApiToken(models.Model):
    """A personal API token: named by its owner, shown once, stored as a hash; read-only or not; it expires and
    can be revoked (partners.tokens)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("utilisateur"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("nom"), max_length=80, help_text=_("Pour vous y retrouver : « tableau de bord ORS »…"))
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("début du jeton"), max_length=12, editable=False)
    read_only = models.BooleanField(_("lecture seule"), default=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expire le"))
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    def is_active(self, now=None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())
