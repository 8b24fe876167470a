"""Issue 26: in English, no French left on the pages of the three journeys (drafting, tracking, reporting).

Every message of the interface is written in French and translated in locale/en: a page read in English must
contain none of the French messages that have a different English translation. What users typed (plan and
action titles, partners' names, notes) is French data and is taken out of the page before looking.
"""

import html
import re

import polib
import pytest
from django.conf import settings
from django.urls import reverse

from plans.enums import MemberRole
from tests.indicators.factories import second_year_plan

TAGS = re.compile(r"<script.*?</script>|<style.*?</style>|<[^>]+>", re.S)


def french_messages() -> list[str]:
    catalogue = polib.pofile(str(settings.BASE_DIR / "locale/en/LC_MESSAGES/django.po"))
    found = set()
    for entry in catalogue:
        if entry.obsolete or "%(" in entry.msgid or "{" in entry.msgid:
            continue
        english = entry.msgstr or (entry.msgstr_plural or {}).get(0, "")
        if entry.msgid != english and len(entry.msgid) >= 14 and " " in entry.msgid:
            found.add(entry.msgid)
    return sorted(found, key=len, reverse=True)


def typed_data(world) -> list[str]:
    """What is French data, not interface, longest first, to take out of the page: every text users typed in
    the plan, the records written at the time (a quarter's closing summary), the seed documents' templates and
    the SeNe model's column headers (kept as the model writes them; the page says so in English)."""
    from indicators.models import Indicator
    from indicators.reports.suivi import SUIVI_HEADERS
    from partners.models import Partner
    from plans.models import Action, Axis, PeriodEvent, Pillar, PlanTemplate

    texts = {world.plan.title, world.plan.territory.name, world.plan.description, *SUIVI_HEADERS}
    texts.update(PeriodEvent.objects.values_list("summary", flat=True))
    for model, fields in (
        (Pillar, ("name", "description")),
        (Axis, ("name",)),
        (Action, ("title", "summary", "field_of_intervention", "target_groups", "comments")),
        (Indicator, ("label",)),
        (Partner, ("name",)),
        (PlanTemplate, ("name", "description", "source")),
    ):
        for row in model.objects.values_list(*fields):
            texts.update(str(value) for value in row if value)
    return sorted((t for t in texts if t), key=len, reverse=True)


def visible_text(content: str, data: list[str]) -> str:
    text = html.unescape(TAGS.sub(" ", content))
    for value in data:
        text = text.replace(value, " ")
    return re.sub(r"\s+", " ", text)


@pytest.mark.django_db
def test_no_french_message_left_on_an_english_walk(client):
    world = second_year_plan(actions=4, indicators=1)
    plan, action, period = world.plan, world.actions[0], world.open
    client.force_login(world.users[MemberRole.COORDINATOR])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    pages = [
        reverse("home"),
        reverse("plans:create"),
        reverse("overview"),
        reverse("plans:detail", args=[plan.pk]),
        reverse("plans:frame", args=[plan.pk]),
        reverse("plans:structure", args=[plan.pk]),
        reverse("plans:actions", args=[plan.pk]),
        reverse("plans:action_detail", args=[plan.pk, action.pk]),
        reverse("plans:action_edit", args=[plan.pk, action.pk]),
        reverse("plans:budget", args=[plan.pk]),
        reverse("plans:review", args=[plan.pk]),
        reverse("plans:history", args=[plan.pk]),
        reverse("plans:timeline", args=[plan.pk]),
        reverse("plans:meetings", args=[plan.pk]),
        reverse("indicators:dashboard", args=[plan.pk]),
        reverse("indicators:plan_indicators", args=[plan.pk]),
        reverse("indicators:quarter", args=[plan.pk, period.year, period.quarter]),
        reverse("indicators:reports", args=[plan.pk]),
        reverse("indicators:report_quarter", args=[plan.pk, period.year, period.quarter]),
        reverse("indicators:report_annual", args=[plan.pk, period.year]),
        reverse("indicators:report_suivi", args=[plan.pk]),
    ]
    messages, data = french_messages(), typed_data(world)
    left = {}
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert '<html lang="en">' in response.content.decode(), url
        text = visible_text(response.content.decode(), data)
        found = [m for m in messages if m in text]
        if found:
            left[url] = found[:5]
    assert left == {}, "\n".join(f"{url}: {found}" for url, found in left.items())
