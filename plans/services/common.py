"""What the plans services share: who may edit, and the one way an update service sets fields."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied

from partners.models import User
from plans import perms


def check_edit(by: User, plan) -> None:
    if not perms.can_edit(by, plan):
        raise PermissionDenied


def apply_fields(instance, fields: dict, allowed: Iterable[str]) -> None:
    """Set the fields an update service may change, and only those.

    A status, a version or a plan cannot be slipped into an update: each has its own service with its own
    rules (plan_change_status, the optimistic locking of action_update…). Passing one is a programming
    error, not a user's mistake, hence a TypeError rather than a message.
    """
    unexpected = sorted(set(fields) - set(allowed))
    if unexpected:
        raise TypeError(f"{type(instance).__name__}: these fields are not changed here: {', '.join(unexpected)}")
    for name, value in fields.items():
        setattr(instance, name, value)


def swap_with_neighbour(items: list, index: int, direction: str, field: str) -> None:
    """Renumber items 1..n, then swap the one at index with its neighbour."""
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(items):
        return
    items[index], items[other] = items[other], items[index]
    for position, item in enumerate(items, start=1):
        if getattr(item, field) != position:
            setattr(item, field, position)
            item.save(update_fields=[field])
