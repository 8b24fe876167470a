"""What a plan reports never lands on the wrong action, never changes behind a closed quarter, never loses an edit.

Each test reproduces a way the review found to move, overwrite or change reported data (issue 10).
"""

import datetime
from decimal import Decimal

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from indicators.enums import Unit
from indicators.models import Indicator, Measurement, ProgressUpdate
from indicators.services import quarter_close, quarter_save
from plans import services
from plans.enums import MemberRole, PlanStatus
from plans.models import Action, BudgetExecution, BudgetLine, Funding, FundingInstalment, Plan, ReportingPeriod
from tests.indicators.factories import IndicatorFactory, second_year_plan
from tests.indicators.test_tracking import page_data, page_forms


@pytest.fixture
def year2(db):
    return second_year_plan(actions=6, indicators=2)


def quarter_url(plan, period):
    return reverse("indicators:quarter", args=[plan.pk, period.year, period.quarter])


def snapshot(plan):
    """Everything a quarter reports, to compare before and after a refused change."""
    return (
        sorted(
            ProgressUpdate.objects.filter(action__plan=plan).values_list(
                "pk", "action", "period", "status", "progress", "note"
            )
        ),
        sorted(
            Measurement.objects.filter(indicator__plan=plan).values_list(
                "pk", "indicator", "period", "value_number", "value_text"
            )
        ),
        sorted(
            BudgetExecution.objects.filter(line__plan=plan).values_list("pk", "line", "quarter", "committed", "paid")
        ),
        sorted(BudgetLine.objects.filter(plan=plan).values_list("pk", "action", "funder", "year", "nature")),
        sorted(FundingInstalment.objects.filter(funding__plan=plan).values_list("pk", "amount", "received_on")),
        sorted(Indicator.objects.filter(plan=plan).values_list("pk", "action", "unit", "frequency", "kind")),
    )


@pytest.mark.django_db
class TestQuarterPageKeyedById:
    def test_fields_are_named_after_the_object_they_edit(self, client, year2):
        plan, period = year2.plan, year2.open
        client.force_login(year2.users[MemberRole.COORDINATOR])
        html = client.get(quarter_url(plan, period)).content.decode()
        action, indicator = year2.actions[0], year2.indicators[0]
        assert f'name="a-{action.pk}-status"' in html and f'name="m-{indicator.pk}-value"' in html
        assert 'name="a-0-status"' not in html and "TOTAL_FORMS" not in html

    def test_moving_a_pillar_between_loading_and_saving_lands_each_value_on_its_action(self, client, year2):
        """The review's case: an editor moved a pillar; the coordinator's save rewrote other actions."""
        plan, period = year2.plan, year2.open
        coordinator, editor = year2.users[MemberRole.COORDINATOR], year2.users[MemberRole.EDITOR]
        client.force_login(coordinator)
        page = client.get(quarter_url(plan, period))
        forms, values = page_forms(page)
        first, last = year2.actions[0], year2.actions[-1]
        changes = {
            forms[first.pk].add_prefix("status"): "done",
            forms[first.pk].add_prefix("note"): "Terminée ce trimestre",
            forms[last.pk].add_prefix("progress"): "55",
            values[year2.indicators[0].pk].add_prefix("value"): "77",
        }
        data = page_data(page, **changes)
        # Meanwhile, an editor moves the second pillar up and one action down.
        services.pillar_move(pillar=year2.pillars[1], by=editor, direction="up")
        services.action_move(action=year2.actions[1], by=editor, direction="down")
        before = {u.action_id: (u.status, u.progress, u.note) for u in ProgressUpdate.objects.filter(period=period)}
        response = client.post(quarter_url(plan, period), data)
        assert response.status_code == 302
        after = {u.action_id: (u.status, u.progress, u.note) for u in ProgressUpdate.objects.filter(period=period)}
        assert after[first.pk] == ("done", 100, "Terminée ce trimestre")
        assert after[last.pk][1] == 55
        untouched = {pk for pk in after if pk not in {first.pk, last.pk}}
        assert {pk: after[pk] for pk in untouched} == {pk: before[pk] for pk in untouched}
        assert Measurement.objects.get(indicator=year2.indicators[0], period=period).value_number == 77
        assert Measurement.objects.get(indicator=year2.indicators[1], period=period).value_number == Decimal(21)

    def test_a_line_deleted_meanwhile_refuses_the_save_and_keeps_what_was_typed(self, client, year2):
        plan, period = year2.plan, year2.plan.periods.get(year=2026, quarter=4)
        coordinator = year2.users[MemberRole.COORDINATOR]
        client.force_login(coordinator)
        doomed = services.action_create(
            plan=plan, by=coordinator, axis=year2.actions[0].axis, title="Action supprimée entre-temps"
        )
        page = client.get(quarter_url(plan, period))
        forms, _values = page_forms(page)
        data = page_data(
            page,
            **{
                forms[doomed.pk].add_prefix("note"): "Saisie sur une action disparue",
                forms[year2.actions[0].pk].add_prefix("note"): "Saisie sur une action toujours là",
            },
        )
        services.action_delete(action=doomed, by=coordinator)
        response = client.post(quarter_url(plan, period), data)
        assert response.status_code == 400
        html = response.content.decode()
        assert "Rien n&#x27;a été enregistré" in html or "Rien n'a été enregistré" in html
        assert "Saisie sur une action disparue" in html and "Saisie sur une action toujours là" in html
        assert not ProgressUpdate.objects.filter(period=period).exists()

    def test_forged_or_foreign_ids_are_refused(self, client, year2):
        plan, period = year2.plan, year2.open
        other = second_year_plan(actions=1, indicators=1)
        contributor = year2.users["lead"]  # leads actions 1 and 4 only
        client.force_login(contributor)
        not_mine = next(a for a in year2.actions if a.lead_id != contributor.partner_id)
        before = snapshot(plan), snapshot(other.plan)
        for key in (f"a-{not_mine.pk}-note", f"a-{other.actions[0].pk}-note", "a-²-note", "a-9" * 30 + "-note"):
            data = {key: "intrus", key.rsplit("-", 1)[0] + "-status": "done", key.rsplit("-", 1)[0] + "-loaded": "x"}
            response = client.post(quarter_url(plan, period), data)
            assert response.status_code == 400, key
        assert (snapshot(plan), snapshot(other.plan)) == before


@pytest.mark.django_db
class TestConcurrentEdits:
    def test_someone_elses_save_is_never_silently_overwritten(self, client, year2):
        plan, period = year2.plan, year2.open
        action = year2.actions[2]
        client.force_login(year2.users[MemberRole.COORDINATOR])
        page = client.get(quarter_url(plan, period))
        forms, _values = page_forms(page)
        mine = page_data(page, **{forms[action.pk].add_prefix("note"): "Version de la coordinatrice"})
        # Meanwhile the editor saves the same action from another page.
        quarter_save(
            period=period,
            by=year2.users[MemberRole.EDITOR],
            progress=[{"action": action, "status": "in_progress", "progress": 80, "note": "Version du rédacteur"}],
        )
        response = client.post(quarter_url(plan, period), mine)
        assert response.status_code == 400
        html = response.content.decode()
        assert "Pendant votre saisie" in html and "Version du rédacteur" in html
        assert "Version de la coordinatrice" in html  # what was typed is still in the field
        assert ProgressUpdate.objects.get(action=action, period=period).note == "Version du rédacteur"
        # Saving the page again knowingly confirms the coordinator's version.
        again = page_data(response)
        assert client.post(quarter_url(plan, period), again).status_code == 302
        assert ProgressUpdate.objects.get(action=action, period=period).note == "Version de la coordinatrice"

    def test_lines_left_untouched_keep_what_others_saved_meanwhile(self, client, year2):
        plan, period = year2.plan, year2.open
        client.force_login(year2.users[MemberRole.COORDINATOR])
        page = client.get(quarter_url(plan, period))
        forms, _values = page_forms(page)
        data = page_data(page, **{forms[year2.actions[0].pk].add_prefix("note"): "Seule ligne modifiée"})
        quarter_save(
            period=period,
            by=year2.users[MemberRole.EDITOR],
            progress=[{"action": year2.actions[3], "status": "done", "progress": 100, "note": "Fini"}],
        )
        assert client.post(quarter_url(plan, period), data).status_code == 302
        assert ProgressUpdate.objects.get(action=year2.actions[3], period=period).note == "Fini"

    def test_quarter_save_and_the_api_never_lose_each_others_version(self, client, year2):
        """The review's case: PATCH with an old version got 200 after the quarter page moved the action."""
        plan, action = year2.plan, year2.actions[1]
        editor = year2.users[MemberRole.EDITOR]
        client.force_login(editor)
        read = client.get(f"/api/v1/actions/{action.pk}/").json()
        # A PATCH lands, then the quarter page (loaded before it) reports the latest quarter.
        patched = client.patch(
            f"/api/v1/actions/{action.pk}/",
            {"version": read["version"], "title": "Titre corrigé par l'API"},
            content_type="application/json",
        )
        assert patched.status_code == 200
        quarter_save(
            period=plan.periods.get(year=2026, quarter=4),
            by=editor,
            progress=[{"action": action, "status": "suspended", "progress": 30}],
        )
        action.refresh_from_db()
        assert action.status == "suspended" and action.title == "Titre corrigé par l'API"
        assert action.version == read["version"] + 2
        stale = client.patch(
            f"/api/v1/actions/{action.pk}/",
            {"version": patched.json()["version"], "status": "done"},
            content_type="application/json",
        )
        assert stale.status_code == 409
        action.refresh_from_db()
        assert action.status == "suspended"


@pytest.mark.django_db
class TestMeasurementsApiStayInPlace:
    def test_patch_cannot_move_a_value_to_another_quarter_or_indicator(self, client, year2):
        """The review's case: PATCH /measurements/173/ with another period overwrote measurement 205."""
        client.force_login(year2.users[MemberRole.COORDINATOR])
        value = Measurement.objects.get(indicator=year2.indicators[0], period=year2.open)
        target = Measurement.objects.get(
            indicator=year2.indicators[0], period=year2.plan.periods.get(year=2026, quarter=1)
        )
        before = snapshot(year2.plan)
        for body in (
            {"period": target.period_id, "value_number": "1", "version": value.version},
            {"indicator": year2.indicators[1].pk, "value_number": "1", "version": value.version},
        ):
            response = client.patch(f"/api/v1/measurements/{value.pk}/", body, content_type="application/json")
            assert response.status_code == 400
            assert "ne changent pas" in str(response.json())
        assert snapshot(year2.plan) == before

    def test_a_yes_no_indicator_refuses_42_on_the_page_and_through_the_api(self, client, year2):
        indicator = services_indicator(year2, unit=Unit.YES_NO)
        client.force_login(year2.users[MemberRole.EDITOR])
        response = client.post(
            "/api/v1/measurements/",
            {"indicator": indicator.pk, "period": year2.open.pk, "value_number": "42"},
            content_type="application/json",
        )
        assert response.status_code == 400
        assert response.json() == {"value_number": ["Répondez par oui (1) ou par non (0)."]}
        with pytest.raises(Exception, match="Répondez par oui"):
            quarter_save(
                period=year2.open,
                by=year2.users[MemberRole.EDITOR],
                measurements=[{"indicator": indicator, "value_number": Decimal(42), "value_text": "", "comment": ""}],
            )
        assert not Measurement.objects.filter(indicator=indicator).exists()


def readable_text(fmt: str, content: bytes) -> str:
    """The text a spreadsheet or CSV holds, as its reader would get it (a zip's bytes can hold anything)."""
    import io
    import zipfile

    if fmt == "xlsx":
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content))
        return "\n".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value)
    if fmt == "ods":
        return zipfile.ZipFile(io.BytesIO(content)).read("content.xml").decode()
    if fmt == "pdf":
        assert content.startswith(b"%PDF")
        return ""
    return content.decode("utf-8-sig")


def services_indicator(year2, **fields):
    from indicators.services import indicator_create

    return indicator_create(
        plan=year2.plan, by=year2.users[MemberRole.COORDINATOR], action=year2.actions[0], label="Oui ou non", **fields
    )


@pytest.mark.django_db
class TestClosedQuartersOnEveryPath:
    """Every path that could reach what a closed quarter holds: refused with the quarters named, or untouched."""

    def assert_refused(self, response, year2, before, *words):
        assert response.status_code in {302, 400}
        follow = response
        html = follow.content.decode() if response.status_code == 400 else ""
        assert snapshot(year2.plan) == before
        return html

    def test_budget_line_year_funder_or_nature_cannot_move_closed_amounts(self, client, year2):
        """The review's case: `/budget/lignes/6/` with year=2027 moved closed-quarter amounts."""
        line, coordinator = year2.lines[0], year2.users[MemberRole.COORDINATOR]
        other_funder = year2.actions[0].lead
        client.force_login(coordinator)
        url = reverse("plans:line_edit", args=[year2.plan.pk, line.pk])
        base = {"funder": line.funder_id, "year": "2026", "nature": "operating", "planned_amount": "3000"}
        before = snapshot(year2.plan)
        for change in ({"year": "2027"}, {"funder": other_funder.pk}, {"nature": "staff"}):
            response = client.post(url, {**base, **change})
            assert response.status_code == 400, change
            html = response.content.decode()
            assert "Les T1 2026 et T2 2026 sont clos" in html and "rouvrir" in html
            assert snapshot(year2.plan) == before
        # What does not move closed amounts still changes.
        assert client.post(url, {**base, "planned_amount": "3500"}).status_code == 302

    def test_budget_line_with_closed_amounts_cannot_be_deleted(self, year2):
        with pytest.raises(Exception, match="T1 2026 et T2 2026 sont clos"):
            services.budget_line_delete(line=year2.lines[0], by=year2.users[MemberRole.COORDINATOR])
        assert BudgetLine.objects.filter(pk=year2.lines[0].pk).exists()

    def test_indicator_with_closed_values_cannot_be_deleted_or_reinterpreted(self, client, year2):
        """The review's case: deleting an indicator deleted its closed-quarter values."""
        indicator = year2.indicators[0]
        client.force_login(year2.users[MemberRole.EDITOR])
        before = snapshot(year2.plan)
        response = client.post(reverse("indicators:indicator_delete", args=[year2.plan.pk, indicator.pk]))
        assert response.status_code == 302
        assert "sont clos" in str(list(response.wsgi_request._messages))
        assert snapshot(year2.plan) == before
        edit = reverse("indicators:indicator_edit", args=[year2.plan.pk, indicator.pk])
        form = {
            "action": indicator.action_id,
            "kind": "result",
            "label": indicator.label,
            "unit": "count",
            "frequency": "quarterly",
            "direction": "up",
        }
        for change in (
            {"unit": "percentage"},
            {"frequency": "yearly"},
            {"action": year2.actions[1].pk},
            {"kind": "impact"},
        ):
            response = client.post(edit, {**form, **change})
            assert response.status_code == 400, change
            assert "sont clos" in response.content.decode()
        assert snapshot(year2.plan) == before
        assert client.post(edit, {**form, "label": "Libellé corrigé"}).status_code == 302

    def test_action_with_closed_reports_cannot_be_deleted(self, client, year2):
        """The review's case: deleting an action cascaded into closed-quarter updates, values and execution."""
        client.force_login(year2.users[MemberRole.EDITOR])
        action = year2.actions[0]
        before = snapshot(year2.plan)
        response = client.post(reverse("plans:action_delete", args=[year2.plan.pk, action.pk]))
        assert response.status_code == 302
        assert Action.objects.filter(pk=action.pk).exists()
        assert snapshot(year2.plan) == before

    def test_action_reported_only_in_open_quarters_is_deleted_with_that_data(self, year2):
        coordinator = year2.users[MemberRole.COORDINATOR]
        action = services.action_create(plan=year2.plan, by=coordinator, axis=year2.actions[0].axis, title="Neuve")
        indicator = IndicatorFactory(plan=year2.plan, action=action, label="Compte")
        quarter_save(
            period=year2.open,
            by=coordinator,
            progress=[{"action": action, "status": "in_progress", "progress": 10}],
            measurements=[{"indicator": indicator, "value_number": Decimal(2), "value_text": "", "comment": ""}],
        )
        services.action_delete(action=action, by=coordinator)
        assert not Action.objects.filter(pk=action.pk).exists()
        assert not Indicator.objects.filter(pk=indicator.pk).exists()

    def test_the_database_refuses_a_cascade_from_any_other_path(self, year2):
        """The admin or a shell deleting an action with reported quarters stops instead of cascading."""
        with pytest.raises(ProtectedError):
            Action.objects.get(pk=year2.actions[0].pk).delete()
        with pytest.raises(ProtectedError):
            BudgetLine.objects.get(pk=year2.lines[0].pk).delete()
        with pytest.raises(ProtectedError):
            Funding.objects.get(pk=year2.funding.pk).delete()

    def test_funding_received_in_a_closed_quarter_stays(self, client, year2):
        client.force_login(year2.users[MemberRole.COORDINATOR])
        before = snapshot(year2.plan)
        response = client.post(reverse("plans:funding_delete", args=[year2.plan.pk, year2.funding.pk]))
        assert response.status_code == 302 and Funding.objects.filter(pk=year2.funding.pk).exists()
        received, expected = year2.funding.instalments.order_by("pk")
        url = reverse("plans:funding_edit", args=[year2.plan.pk, year2.funding.pk])
        base = {
            "funder": year2.funder.pk,
            "year": "2026",
            "amount_granted": "20000",
            f"versement-{received.pk}-amount": "10000",
            f"versement-{received.pk}-expected_on": "20/01/2026",
            f"versement-{received.pk}-received_on": "27/01/2026",
            f"versement-{expected.pk}-amount": "10000",
            f"versement-{expected.pk}-expected_on": "15/12/2026",
        }
        for change in (
            {f"versement-{received.pk}-amount": "9000"},
            {f"versement-{received.pk}-delete": "on"},
            {
                "amount_granted": "20001",
                "nouveau-versement-0-amount": "1",
                "nouveau-versement-0-received_on": "15/05/2026",
            },
            {"year": "2027"},
        ):
            response = client.post(url, {**base, **change})
            assert response.status_code == 400, change
            assert "2026 est clos" in response.content.decode(), change
            assert snapshot(year2.plan) == before
        # The balance still arrives, and is recorded.
        ok = client.post(url, {**base, f"versement-{expected.pk}-received_on": "05/10/2026"})
        assert ok.status_code == 302
        assert FundingInstalment.objects.get(pk=expected.pk).received_on == datetime.date(2026, 10, 5)
        assert FundingInstalment.objects.get(pk=received.pk).amount == Decimal(10000)

    def test_instalments_are_keyed_by_id(self, client, year2):
        """An instalment deleted by someone else meanwhile: refused, never another instalment changed."""
        coordinator = year2.users[MemberRole.COORDINATOR]
        funding = services.funding_create(
            plan=year2.plan,
            by=coordinator,
            funder=year2.funder,
            year=2027,
            amount_granted=Decimal(100),
            instalments=[{"amount": Decimal(40)}, {"amount": Decimal(60)}],
        )
        first, second = funding.instalments.order_by("pk")
        client.force_login(coordinator)
        url = reverse("plans:funding_edit", args=[year2.plan.pk, funding.pk])
        data = {
            "funder": year2.funder.pk,
            "year": "2027",
            "amount_granted": "100",
            f"versement-{first.pk}-amount": "45",
            f"versement-{second.pk}-amount": "55",
        }
        first.delete()
        response = client.post(url, data)
        assert response.status_code == 400 and "supprimé entre-temps" in response.content.decode()
        assert FundingInstalment.objects.get(pk=second.pk).amount == Decimal(60)

    def test_shortening_the_plan_under_reported_quarters_is_explained(self, client, year2):
        """The review's case: a ProtectedError (500) when the new period dropped quarters holding values."""
        client.force_login(year2.users[MemberRole.COORDINATOR])
        url = reverse("plans:frame", args=[year2.plan.pk])
        base = {"title": year2.plan.title, "description": ""}
        response = client.post(url, {**base, "period_start": "01/07/2025", "period_end": "31/12/2027"})
        assert response.status_code == 400
        html = response.content.decode()
        assert "T1 2025 et T2 2025 sont clos ou portent déjà des données" in html
        response = client.post(url, {**base, "period_start": "01/01/2025", "period_end": "30/06/2026"})
        assert response.status_code == 400 and "T3 2026" in response.content.decode()
        year2.plan.refresh_from_db()
        assert year2.plan.period_start == datetime.date(2025, 1, 1) and year2.plan.periods.count() == 12
        # Lengthening, or dropping quarters that hold nothing, is fine.
        assert client.post(url, {**base, "period_start": "01/01/2025", "period_end": "30/06/2027"}).status_code == 302
        assert year2.plan.periods.count() == 10

    def test_a_quarter_that_has_not_ended_cannot_be_closed(self, year2):
        current = year2.plan.periods.get(year=2026, quarter=4)
        with pytest.raises(Exception, match="T4 2026 n'est pas terminé"):
            quarter_close(period=current, by=year2.users[MemberRole.COORDINATOR])
        assert not ReportingPeriod.objects.get(pk=current.pk).is_closed


@pytest.mark.django_db
class TestPlanStatus:
    url_name = "plans:status"

    def test_a_missing_or_unknown_status_is_a_400_and_changes_nothing(self, client, year2):
        """The review's case: POST /statut/ with no status closed an active plan."""
        client.force_login(year2.users[MemberRole.COORDINATOR])
        url = reverse(self.url_name, args=[year2.plan.pk])
        for data in ({}, {"status": "draft"}, {"status": "n'importe quoi"}, {"status": "adopted"}):
            response = client.post(url, data)
            assert response.status_code == 400, data
            assert "statut" in response.content.decode()
            assert Plan.objects.get(pk=year2.plan.pk).status == PlanStatus.ACTIVE

    def test_closing_asks_for_confirmation_and_names_the_open_quarters(self, client, year2):
        client.force_login(year2.users[MemberRole.COORDINATOR])
        url = reverse(self.url_name, args=[year2.plan.pk])
        page = client.get(url + "?to=closed").content.decode()
        assert "T3 2026" in page and "Je confirme la clôture du plan." in page
        refused = client.post(url, {"status": "closed"})
        assert refused.status_code == 400 and "Cochez la case" in refused.content.decode()
        with pytest.raises(Exception, match="Des trimestres ne sont pas clos"):
            services.plan_change_status(plan=year2.plan, by=year2.users[MemberRole.COORDINATOR], status="closed")
        assert client.post(url, {"status": "closed", "confirm": "on"}).status_code == 302
        assert Plan.objects.get(pk=year2.plan.pk).status == PlanStatus.CLOSED

    def test_the_coordinator_reopens_a_closed_plan_with_a_reason_in_the_history(self, client, year2):
        coordinator = year2.users[MemberRole.COORDINATOR]
        services.plan_change_status(plan=year2.plan, by=coordinator, status="closed", confirm_open_quarters=True)
        client.force_login(coordinator)
        url = reverse(self.url_name, args=[year2.plan.pk])
        assert client.post(url, {"status": "active", "reason": ""}).status_code == 400
        response = client.post(url, {"status": "active", "reason": "Bilan du parquet arrivé après la clôture"})
        assert response.status_code == 302
        assert Plan.objects.get(pk=year2.plan.pk).status == PlanStatus.ACTIVE
        history = client.get(reverse("plans:history", args=[year2.plan.pk])).content.decode()
        assert "Bilan du parquet arrivé après la clôture" in history

    @pytest.mark.parametrize("role", [MemberRole.EDITOR, MemberRole.CONTRIBUTOR, MemberRole.VIEWER])
    def test_only_the_coordinator_reopens(self, client, year2, role):
        services.plan_change_status(
            plan=year2.plan, by=year2.users[MemberRole.COORDINATOR], status="closed", confirm_open_quarters=True
        )
        client.force_login(year2.users[role])
        url = reverse(self.url_name, args=[year2.plan.pk])
        assert client.post(url, {"status": "active", "reason": "Je veux"}).status_code == 403
        assert Plan.objects.get(pk=year2.plan.pk).status == PlanStatus.CLOSED


@pytest.mark.django_db
class TestNoServerErrorOnBadInput:
    def test_control_characters_pasted_from_a_word_processor_export_everywhere(self, client, year2):
        """The review's case: a vertical tab in a note made the XLSX export fail (IllegalCharacterError)."""
        coordinator = year2.users[MemberRole.COORDINATOR]
        action = year2.actions[0]
        # Stored before the fix, straight in the database: exports must cope with it too.
        Action.objects.filter(pk=action.pk).update(title="Titre\x0bavec saut\x07", summary="Ligne\x0cpage")
        client.force_login(coordinator)
        for fmt in ("xlsx", "ods", "csv", "csv-opendata", "pdf"):
            response = client.get(reverse("indicators:report_suivi", args=[year2.plan.pk]), {"format": fmt})
            assert response.status_code == 200, fmt
            text = readable_text(fmt, response.content)
            assert "avec saut" in text or fmt == "pdf", fmt
            assert "\x0b" not in text and "\x07" not in text and "\x0c" not in text, fmt
        # Typed now, it is cleaned before it is saved.
        action.refresh_from_db()
        services.action_update(action=action, by=coordinator, expected_version=action.version, title="A\x0bB")
        action.refresh_from_db()
        assert action.title == "A\nB"

    @pytest.mark.parametrize("typed", ["01/0000", "0000-01", "31/12/0000", "00/2026", "13/2026", "12/99999"])
    def test_impossible_dates_are_explained(self, client, year2, typed):
        """The review's case: a due date in year 0 was a ValueError (500)."""
        client.force_login(year2.users[MemberRole.EDITOR])
        action = year2.actions[1]
        response = client.post(
            reverse("plans:action_edit", args=[year2.plan.pk, action.pk]),
            {
                "axis": action.axis_id,
                "title": action.title,
                "status": "planned",
                "progress": "0",
                "due_date": typed,
                "version": action.version,
            },
        )
        assert response.status_code == 400
        assert "Saisissez une" in response.content.decode()

    @pytest.mark.parametrize("value", ["²", "¹", "١٢", "9" * 30, "-1", "1e3", " 3"])
    def test_ids_are_parsed_strictly(self, client, year2, value):
        """The review's case: `?plan=²` and 30-digit ids were ValueError / OverflowError (500)."""
        client.force_login(year2.users[MemberRole.COORDINATOR])
        for url in (
            f"/api/v1/actions/?plan={value}",
            f"/api/v1/measurements/?period={value}",
            f"/api/v1/measurements/?plan={value}",
        ):
            response = client.get(url)
            assert response.status_code == 400, url  # said, not silently an empty list
            assert "Identifiant invalide" in str(response.json()), url
        suggestions = client.post(reverse("indicators:accept_suggestions", args=[year2.plan.pk]), {"action": value})
        assert suggestions.status_code == 404
        catalogue = client.post(reverse("plans:catalogue", args=[year2.plan.pk]), {"measures": [value, "2"]})
        assert catalogue.status_code == 400


@pytest.mark.django_db(transaction=True)
class TestLocks:
    def test_a_quarter_cannot_be_closed_while_an_execution_is_being_recorded(self):
        """execution_record locks the quarters it checks: a close waits for it instead of slipping in between."""
        import threading
        import time

        from django.db import connection, connections, transaction

        if connection.vendor != "postgresql":
            pytest.skip("row locks need PostgreSQL (SQLite ignores SELECT … FOR UPDATE)")
        year2 = second_year_plan(actions=1, indicators=1)
        coordinator, line = year2.users[MemberRole.COORDINATOR], year2.lines[0]
        done = {}

        def close():
            try:
                quarter_close(period=year2.open, by=coordinator)
                done["closed_at"] = time.monotonic()
            finally:
                connections.close_all()

        with transaction.atomic():
            services.execution_record(
                line=line, by=coordinator, amounts={3: (Decimal(900), Decimal(100)), 4: (Decimal(0), Decimal(0))}
            )
            closer = threading.Thread(target=close)
            closer.start()
            time.sleep(0.5)
            assert closer.is_alive()  # waiting for the quarters' lock
            recorded_at = time.monotonic()
        closer.join(10)
        assert done["closed_at"] > recorded_at
        assert ReportingPeriod.objects.get(pk=year2.open.pk).is_closed
        assert BudgetExecution.objects.get(line=line, quarter=3).committed == Decimal(900)
