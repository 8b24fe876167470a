"""One page of a long list, and a clear word when the page asked for does not exist."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.inputs import parse_id


@dataclass(frozen=True)
class PageOf:
    page: Page
    note: str = ""  # set when the page asked for was not there and another one is shown


def paginate(items, *, per_page: int, number) -> PageOf:
    """The page `number` of `items`; beyond the last page, the last one; not a number, the first; and says so."""
    paginator = Paginator(items, per_page)
    if number in (None, ""):
        return PageOf(paginator.page(1))
    asked = parse_id(number)
    if asked is None:
        note = _("« %(page)s » n'est pas un numéro de page : voici la première.") % {"page": str(number)[:20]}
        return PageOf(paginator.page(1), note)
    if asked > paginator.num_pages:
        last = paginator.num_pages
        note = ngettext(
            "Il n'y a qu'une page : la voici.", "Il n'y a que %(count)s pages : voici la dernière.", last
        ) % {"count": last}
        return PageOf(paginator.page(last), note)
    return PageOf(paginator.page(asked))
