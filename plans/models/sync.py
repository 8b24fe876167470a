"""What lets another system mirror the plans through the API (issue 28): every resource it writes carries a
`version`, an integer that increases on every save (its ETag), and every resource an `updated_at` (for
`updated_since`); every deletion is recorded, so that `/api/v1/deletions/` tells a mirror what to remove."""

import datetime

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import F
from django.db.models.signals import post_delete
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# How long the deletions feed remembers (at least a year: a mirror synchronised once a year stays exact).
DELETIONS_KEPT_DAYS = 400


class Versioned(models.Model):
    """`version`: 1 when created, + 1 on every save, counted by the database (two saves at once make two
    versions). Kept out of the history (simple_history's excluded_fields), which records the changes themselves."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.version = F("version") + 1
            if (fields := kwargs.get("update_fields")) is not None:
                kwargs["update_fields"] = {*fields, "version"}
        super().save(*args, **kwargs)
        if not isinstance(self.version, int):
            self.refresh_from_db(fields=["version"])


class Deletion(models.Model):
    """Something deleted, by its API resource and id, with its plan (whose members may read it)."""

    resource = models.CharField(_("ressource"), max_length=30)
    object_id = models.BigIntegerField(_("identifiant"))
    plan_id = models.BigIntegerField(_("plan"), null=True, db_index=True)
    version = models.PositiveIntegerField(_("dernière version"), null=True)
    deleted_at = models.DateTimeField(_("supprimé le"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("suppression")
        verbose_name_plural = _("suppressions")
        ordering = ["deleted_at", "pk"]

    def __str__(self):
        return f"{self.resource} {self.object_id}"


def record_deletions(model, resource: str, plan_path: str = "plan_id") -> None:
    """Record every deletion of `model` (by its service, a cascade or the admin alike); `plan_path`: from the
    instance to its plan's id ("indicator.plan_id")."""

    def plan_of(instance):
        value = instance
        try:
            for step in plan_path.split("."):
                value = getattr(value, step)
        except ObjectDoesNotExist:  # deleted in the same cascade
            return None
        return value

    def recorded(sender, instance, **kwargs):
        version = getattr(instance, "version", None)
        Deletion.objects.create(
            resource=resource,
            object_id=instance.pk,
            plan_id=plan_of(instance),
            version=version if isinstance(version, int) else None,
        )

    post_delete.connect(recorded, sender=model, weak=False, dispatch_uid=f"deletion-{resource}")


def deletions_prune(*, now=None) -> int:
    """Forget the deletions older than the feed keeps."""
    limit = (now or timezone.now()) - datetime.timedelta(days=DELETIONS_KEPT_DAYS)
    return Deletion.objects.filter(deleted_at__lt=limit).delete()[0]
