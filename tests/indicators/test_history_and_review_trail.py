"""Issue 26: the history lists closures, reopenings, values and progress updates (who, when, what); a
submission reads as one; a returned action keeps its reason in the report; the closing summary names the
returned actions."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from indicators.jobs import build_report
from indicators.reviews import review_return, review_submit
from indicators.services import quarter_close, quarter_reopen, quarter_save
from plans.enums import MemberRole
from plans.selectors.history import plan_history
from tests.indicators.factories import second_year_plan


@pytest.fixture
def world(db):
    return second_year_plan(actions=4, indicators=1)


def entries(plan):
    return plan_history(plan=plan, limit=500)


@pytest.mark.django_db
class TestHistory:
    def test_closures_and_reopenings_with_who_and_why(self, world, client):
        coordinator = world.users[MemberRole.COORDINATOR]
        quarter_reopen(period=world.closed, by=coordinator, reason="Valeur de juin corrigée par la police")
        events = [e for e in entries(world.plan) if e["kind"] == "Trimestre" and e["object"] == world.closed.label]
        assert [e["verb"] for e in events[:2]] == ["réouverture", "clôture"]
        assert events[0]["user"] == coordinator and events[0]["reason"] == "Valeur de juin corrigée par la police"
        assert events[1]["reason"].startswith("Manquaient : ")

        client.force_login(world.users[MemberRole.VIEWER])
        html = client.get(reverse("plans:history", args=[world.plan.pk])).content.decode()
        assert "réouverture" in html and "Valeur de juin corrigée par la police" in html

    def test_values_and_progress_entered_or_changed(self, world):
        editor = world.users[MemberRole.EDITOR]
        indicator, action = world.indicators[0], world.actions[0]
        quarter_save(
            period=world.open,
            by=editor,
            measurements=[{"indicator": indicator, "value_number": Decimal("1500"), "value_text": "", "comment": ""}],
            progress=[{"action": action, "status": "in_progress", "progress": 70, "note": "Suite"}],
        )
        found = entries(world.plan)
        value = next(e for e in found if e["kind"] == "Valeur" and e["user"] == editor)
        assert value["object"] == f"{indicator.label} — {world.open.label} : 1\u00a0500"
        assert value["verb"] == "modification" and "valeur" in " ".join(value["fields"])
        update = next(e for e in found if e["kind"] == "Avancement" and e["user"] == editor)
        assert update["object"] == f"{action.title} — {world.open.label} : En cours, 70 %"

    def test_a_submission_reads_as_a_submission(self, world):
        reporter = world.users[MemberRole.COORDINATOR]
        review_submit(action=world.actions[1], period=world.open, by=reporter)
        entry = next(e for e in entries(world.plan) if e["kind"] == "Trimestre d'une action")
        assert entry["verb"] == "soumis pour validation"


@pytest.mark.django_db
class TestReturnedActions:
    def returned(self, world):
        lead = world.users["lead"]
        action = next(a for a in world.actions if a.lead == lead.partner)
        review = review_submit(action=action, period=world.open, by=lead)
        review_return(review=review, by=world.users[MemberRole.COORDINATOR], reason="Chiffre de septembre manquant")
        return action

    def test_the_report_keeps_the_reason(self, world):
        action = self.returned(world)
        report = build_report(world.plan, "trimestre", {"year": 2026, "quarter": 3}, today=timezone.localdate())
        section = report.section("actions")
        validation = section.columns.index(next(c for c in section.columns if c.label == "Validation"))
        row = next(r for r in section.rows if r[2] == action.title)
        assert row[validation] == "renvoyé : Chiffre de septembre manquant"

    def test_the_closing_summary_names_them(self, world, monkeypatch):
        action = self.returned(world)
        monkeypatch.setattr(timezone, "localdate", lambda *a, **k: datetime.date(2026, 11, 1))
        event = quarter_close(period=world.open, by=world.users[MemberRole.COORDINATOR])
        assert f"1 action renvoyée et pas soumise à nouveau : « {action.title} »." in event.summary
