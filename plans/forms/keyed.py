"""Forms that edit many objects at once, each field named after its object's id, never after its position.

A formset numbers its forms 0, 1, 2… in page order: if the order changes between loading the page and
saving it (an editor moves a pillar), the values land on other objects. Here the quarter page's status of
action 12 is `a-12-status`, whatever the order, and the server checks every posted id against the objects
the user may edit.
"""

import re
from collections.abc import Callable, Iterable

from django.forms import Form

from core.inputs import parse_id


def posted_keys(data, key: str) -> tuple[set[int], set[str]]:
    """The ids posted under `key` (`a-12-status` → 12), and the ones that are not ids at all."""
    pattern = re.compile(rf"{re.escape(key)}-([^-]+)-", re.ASCII)
    ids, malformed = set(), set()
    for name in data or ():
        match = pattern.match(name)
        if match:
            object_id = parse_id(match.group(1))
            if object_id is None:
                malformed.add(match.group(1)[:30])
            else:
                ids.add(object_id)
    return ids, malformed


class KeyedForms:
    """One form per object, prefixed `<key>-<id>`; bound only for the objects whose fields were posted.

    `objects` are those the user may edit. Posted ids outside them (deleted since, moved out of the user's
    reach, or forged) are in `unknown`: the caller refuses the whole save and says so.
    """

    def __init__(
        self,
        form_class: type[Form],
        data,
        *,
        key: str,
        objects: Iterable,
        initial: Callable[[object], dict],
        **kwargs,
    ):
        self.key = key
        objects = list(objects)
        posted, malformed = posted_keys(data, key) if data is not None else (set(), set())
        by_pk = {obj.pk: obj for obj in objects}
        self.unknown = sorted(str(pk) for pk in posted - by_pk.keys()) + sorted(malformed)
        self._forms = {
            obj.pk: form_class(
                data if obj.pk in posted else None,
                obj=obj,
                prefix=f"{key}-{obj.pk}",
                initial=initial(obj),
                **kwargs,
            )
            for obj in objects
        }

    @property
    def forms(self) -> list[Form]:
        return list(self._forms.values())

    @property
    def bound(self) -> list[Form]:
        return [form for form in self._forms.values() if form.is_bound]

    def get(self, pk):
        return self._forms.get(pk)

    def by_pk(self) -> dict:
        return dict(self._forms)

    def is_valid(self) -> bool:
        # Validate every bound form, so that each shows its own errors.
        results = [form.is_valid() for form in self.bound]
        return all(results)
