"""Budget: grants, lines, quarterly execution, totals computed by the database, and bad input."""

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse

from core.formats import euros
from plans import services
from plans.enums import ActionStatus, MemberRole
from plans.models import BudgetExecution, BudgetLine, Funding
from plans.selectors import budget_summary
from tests.partners.factories import PartnerFactory, UserFactory
from tests.plans.factories import (
    ActionFactory,
    AxisFactory,
    BudgetExecutionFactory,
    BudgetLineFactory,
    FundingFactory,
    MembershipFactory,
    PlanFactory,
    ReportingPeriodFactory,
)


@pytest.fixture
def setup(db):
    """A plan with one action, a funder among its partners, and a member per role."""
    plan = PlanFactory()
    funder = PartnerFactory(mildeca=True)
    action = ActionFactory(axis__pillar__plan=plan)
    plan.partners.add(funder, action.lead)
    users = {role: MembershipFactory(plan=plan, role=role).user for role in MemberRole.values}
    lead_user = UserFactory(partner=action.lead)
    MembershipFactory(plan=plan, user=lead_user, role=MemberRole.CONTRIBUTOR)
    users["lead"] = lead_user
    return plan, action, funder, users


def execution_data(**values):
    data = {f"{k}_{q}": "0" for q in range(1, 5) for k in ("committed", "paid")}
    data.update(values)
    return data


class TestMoneyFormat:
    def test_french_money_format(self):
        assert euros(Decimal("12500")) == "12\u00a0500,00\u00a0€"
        assert euros(Decimal("0.5")) == "0,50\u00a0€"


@pytest.mark.django_db
class TestFundings:
    def test_create_with_instalments_typed_the_french_way(self, client, setup):
        plan, _action, funder, users = setup
        client.force_login(users[MemberRole.EDITOR])
        response = client.post(
            reverse("plans:funding_create", args=[plan.pk]),
            {
                "funder": funder.pk,
                "year": "2026",
                "label": "Crédits chef de projet",
                "amount_granted": "12 500 €",
                "nouveau-versement-0-amount": "6.250,00",
                "nouveau-versement-0-expected_on": "15/01/2026",
                "nouveau-versement-1-amount": "6 250",
                "nouveau-versement-1-expected_on": "30/06/2026",
            },
        )
        assert response.status_code == 302
        funding = Funding.objects.get()
        assert funding.amount_granted == Decimal("12500.00")
        assert sorted(i.amount for i in funding.instalments.all()) == [Decimal("6250.00"), Decimal("6250.00")]

    def test_instalments_beyond_the_grant_are_refused_and_input_kept(self, client, setup):
        plan, _action, funder, users = setup
        client.force_login(users[MemberRole.COORDINATOR])
        response = client.post(
            reverse("plans:funding_create", args=[plan.pk]),
            {
                "funder": funder.pk,
                "year": "2026",
                "amount_granted": "10 000",
                "nouveau-versement-0-amount": "12 000",
            },
        )
        assert response.status_code == 400
        assert "dépassent le montant accordé" in response.content.decode()
        assert 'value="12 000"' in response.content.decode()
        assert not Funding.objects.exists()

    @pytest.mark.parametrize(
        ("amount", "year", "message"),
        [
            ("-5", "2026", "Assurez-vous que cette valeur est supérieure ou égale à 0."),
            ("douze mille", "2026", "Saisissez un nombre"),
            ("1000", "2031", "Sélectionnez un choix valide"),
        ],
    )
    def test_bad_amounts_and_years(self, client, setup, amount, year, message):
        plan, _action, funder, users = setup
        client.force_login(users[MemberRole.COORDINATOR])
        response = client.post(
            reverse("plans:funding_create", args=[plan.pk]),
            {
                "funder": funder.pk,
                "year": year,
                "amount_granted": amount,
            },
        )
        assert response.status_code == 400
        assert message in response.content.decode()

    def test_year_outside_the_plan_is_refused_by_the_model_too(self, setup):
        plan, _action, funder, users = setup
        with pytest.raises(Exception, match="période du plan"):
            services.funding_create(
                plan=plan, by=users[MemberRole.COORDINATOR], funder=funder, year=2035, amount_granted=Decimal("10")
            )

    def test_funder_must_be_a_partner_of_the_plan(self, setup):
        plan, _action, _funder, users = setup
        stranger = PartnerFactory()
        with pytest.raises(Exception, match="partenaires du plan"):
            services.funding_create(
                plan=plan, by=users[MemberRole.COORDINATOR], funder=stranger, year=2026, amount_granted=Decimal("10")
            )


@pytest.mark.django_db
class TestBudgetLines:
    def test_create_line_on_an_action(self, client, setup):
        plan, action, funder, users = setup
        client.force_login(users[MemberRole.EDITOR])
        response = client.post(
            reverse("plans:line_create", args=[plan.pk, action.pk]),
            {"funder": funder.pk, "year": "2027", "nature": "staff", "planned_amount": "18 000,50", "fte": "0,5"},
        )
        assert response.status_code == 302
        line = BudgetLine.objects.get()
        assert (line.planned_amount, line.fte, line.plan) == (Decimal("18000.50"), Decimal("0.50"), plan)
        html = client.get(reverse("plans:action_detail", args=[plan.pk, action.pk])).content.decode()
        assert "18\u00a0000,50\u00a0€" in html

    def test_lowering_planned_below_committed_needs_a_reason(self, setup):
        plan, action, funder, users = setup
        line = BudgetLineFactory(action=action, funder=funder, planned_amount=Decimal("1000"))
        BudgetExecutionFactory(line=line, quarter=1, committed=Decimal("800"))
        editor = users[MemberRole.EDITOR]
        with pytest.raises(Exception, match="motif du dépassement"):
            services.budget_line_update(line=line, by=editor, planned_amount=Decimal("500"))
        line.refresh_from_db()
        assert line.planned_amount == Decimal("1000")
        services.budget_line_update(line=line, by=editor, planned_amount=Decimal("500"), overrun_reason="Devis revu")
        line.refresh_from_db()
        assert line.planned_amount == Decimal("500")

    def test_line_with_money_cannot_be_deleted_nor_its_action(self, client, setup):
        plan, action, funder, users = setup
        line = BudgetLineFactory(action=action, funder=funder)
        BudgetExecutionFactory(line=line, quarter=1, committed=Decimal("100"))
        client.force_login(users[MemberRole.COORDINATOR])
        response = client.post(reverse("plans:line_delete", args=[plan.pk, line.pk]), follow=True)
        assert "remettez-les à zéro" in response.content.decode()
        response = client.post(reverse("plans:action_delete", args=[plan.pk, action.pk]), follow=True)
        assert "Abandonnée" in response.content.decode()
        assert BudgetLine.objects.filter(pk=line.pk).exists()

    def test_action_with_planned_lines_only_can_be_deleted(self, client, setup):
        plan, action, funder, users = setup
        BudgetLineFactory(action=action, funder=funder)
        client.force_login(users[MemberRole.COORDINATOR])
        client.post(reverse("plans:action_delete", args=[plan.pk, action.pk]))
        assert not BudgetLine.objects.exists()


@pytest.mark.django_db
class TestExecution:
    def url(self, plan, line):
        return reverse("plans:line_execution", args=[plan.pk, line.pk])

    def test_contributor_enters_amounts_on_the_action_it_leads(self, client, setup):
        plan, action, funder, users = setup
        line = BudgetLineFactory(action=action, funder=funder, planned_amount=Decimal("10000"))
        client.force_login(users["lead"])
        response = client.post(
            self.url(plan, line), execution_data(committed_1="4 000", paid_1="2.000,50", committed_2="1000")
        )
        assert response.status_code == 302
        assert line.executions.get(quarter=1).paid == Decimal("2000.50")

    @pytest.mark.parametrize("role", [MemberRole.CONTRIBUTOR, MemberRole.VIEWER])
    def test_others_cannot(self, client, setup, role):
        plan, action, funder, users = setup
        line = BudgetLineFactory(action=action, funder=funder)
        client.force_login(users[role])
        assert client.get(self.url(plan, line)).status_code == 403
        assert client.post(self.url(plan, line), execution_data(committed_1="1")).status_code == 403

    def test_paid_beyond_committed_is_refused_and_nothing_saved(self, client, setup):
        plan, action, funder, users = setup
        line = BudgetLineFactory(action=action, funder=funder)
        client.force_login(users[MemberRole.EDITOR])
        response = client.post(self.url(plan, line), execution_data(committed_1="100", paid_1="150", committed_2="50"))
        assert response.status_code == 400
        assert "dépassent les engagements" in response.context["form"].errors["paid_1"][0]
        assert not line.executions.exists()
        assert 'value="150"' in response.content.decode()

    def test_payment_of_an_earlier_commitment_is_fine(self, client, setup):
        plan, action, funder, users = setup
        line = BudgetLineFactory(action=action, funder=funder)
        client.force_login(users[MemberRole.EDITOR])
        response = client.post(self.url(plan, line), execution_data(committed_1="100", paid_2="100"))
        assert response.status_code == 302

    def test_committed_beyond_planned_needs_a_reason(self, client, setup):
        plan, action, funder, users = setup
        line = BudgetLineFactory(action=action, funder=funder, planned_amount=Decimal("1000"))
        client.force_login(users[MemberRole.EDITOR])
        response = client.post(self.url(plan, line), execution_data(committed_1="1 500"))
        assert response.status_code == 400
        assert "indiquez le motif du dépassement" in response.context["form"].errors["overrun_reason"][0]
        response = client.post(
            self.url(plan, line), execution_data(committed_1="1 500", overrun_reason="Avenant au marché")
        )
        assert response.status_code == 302
        line.refresh_from_db()
        assert line.overrun_reason == "Avenant au marché"

    def test_closed_quarter_cannot_change(self, setup):
        plan, action, funder, users = setup
        line = BudgetLineFactory(action=action, funder=funder)
        ReportingPeriodFactory(
            plan=plan, year=2026, quarter=1, closed_at=datetime.datetime(2026, 4, 5, tzinfo=datetime.UTC)
        )
        with pytest.raises(Exception, match="T1 2026 est clos"):
            services.execution_record(
                line=line, by=users[MemberRole.EDITOR], amounts={1: (Decimal("5"), Decimal("0"))}
            )

    def test_closed_quarter_is_shown_read_only(self, client, setup):
        plan, action, funder, users = setup
        line = BudgetLineFactory(action=action, funder=funder)
        ReportingPeriodFactory(
            plan=plan, year=2026, quarter=1, closed_at=datetime.datetime(2026, 4, 5, tzinfo=datetime.UTC)
        )
        client.force_login(users[MemberRole.EDITOR])
        form = client.get(self.url(plan, line)).context["form"]
        assert form.fields["committed_1"].disabled and not form.fields["committed_2"].disabled
        response = client.post(self.url(plan, line), execution_data(committed_1="999", committed_2="10"))
        assert response.status_code == 302
        assert not line.executions.filter(quarter=1).exists()
        assert line.executions.get(quarter=2).committed == Decimal("10")


@pytest.mark.django_db
class TestSummary:
    def test_totals_by_funder_nature_and_action(self, setup):
        plan, action, funder, users = setup
        other_funder = PartnerFactory(name="Ville", kind="municipal_service")
        plan.partners.add(other_funder)
        second = ActionFactory(axis=action.axis)
        a = BudgetLineFactory(action=action, funder=funder, planned_amount=Decimal("6000"), nature="staff")
        b = BudgetLineFactory(action=second, funder=other_funder, planned_amount=Decimal("4000"), nature="equipment")
        BudgetExecutionFactory(line=a, quarter=1, committed=Decimal("3000"), paid=Decimal("1000"))
        BudgetExecutionFactory(line=b, quarter=2, committed=Decimal("4000"), paid=Decimal("4000"))
        FundingFactory(plan=plan, funder=funder, amount_granted=Decimal("5000"))
        summary = budget_summary(plan=plan, today=datetime.date(2026, 6, 1))
        assert (summary.totals.planned, summary.totals.granted) == (Decimal("10000"), Decimal("5000"))
        assert (summary.totals.committed, summary.totals.paid) == (Decimal("7000"), Decimal("5000"))
        rows = {row["funder"].pk: row for row in summary.by_funder}
        assert rows[funder.pk]["money"].granted == Decimal("5000")
        assert rows[funder.pk]["gap"] == Decimal("-1000")
        assert rows[funder.pk]["share"] == "60\u00a0%"
        assert [r["label"] for r in summary.by_nature] == ["Personnel", "Équipement"]
        assert summary.by_action[second.pk].paid == Decimal("4000")

    def test_warns_when_most_commitments_fall_in_q4(self, setup):
        plan, action, funder, _users = setup
        line = BudgetLineFactory(action=action, funder=funder, planned_amount=Decimal("10000"))
        BudgetExecutionFactory(line=line, quarter=1, committed=Decimal("2000"))
        BudgetExecutionFactory(line=line, quarter=4, committed=Decimal("6000"))
        summary = budget_summary(plan=plan, today=datetime.date(2026, 12, 31))
        assert any("75\u00a0% des engagements tombent au quatrième trimestre" in w for w in summary.warnings)

    def test_warns_when_a_grant_is_not_committed_by_end_of_q3(self, setup):
        plan, action, funder, _users = setup
        FundingFactory(plan=plan, funder=funder, year=2026, amount_granted=Decimal("20000"))
        line = BudgetLineFactory(action=action, funder=funder, planned_amount=Decimal("20000"))
        BudgetExecutionFactory(line=line, quarter=2, committed=Decimal("15000"))
        assert budget_summary(plan=plan, today=datetime.date(2026, 9, 30)).warnings == []
        warnings = budget_summary(plan=plan, today=datetime.date(2026, 10, 1)).warnings
        assert warnings == [
            "Financement MILDECA 2026 : 5\u00a0000,00\u00a0€ sur 20\u00a0000,00\u00a0€ n'étaient pas engagés fin T3."
        ]

    def test_budget_page_shows_the_tree(self, client, setup):
        plan, action, funder, users = setup
        BudgetLineFactory(action=action, funder=funder, planned_amount=Decimal("12500"))
        client.force_login(users[MemberRole.VIEWER])
        html = client.get(reverse("plans:budget", args=[plan.pk])).content.decode()
        assert action.title in html and "12\u00a0500,00\u00a0€" in html
        assert "Enregistrer un financement" not in html


@pytest.mark.django_db
class TestBudgetQueries:
    @pytest.mark.parametrize("lines", [10, 1000])
    def test_budget_page_query_count_is_fixed(self, client, django_assert_max_num_queries, lines):
        plan = PlanFactory()
        funders = [PartnerFactory() for _ in range(3)]
        plan.partners.add(*funders)
        axis = AxisFactory(pillar__plan=plan)
        actions = [ActionFactory(axis=axis, status=ActionStatus.IN_PROGRESS) for _ in range(10)]
        created = BudgetLine.objects.bulk_create(
            BudgetLine(
                plan=plan,
                action=actions[i % 10],
                funder=funders[i % 3],
                year=2026 + i % 3,
                nature="operating",
                planned_amount=Decimal("1000"),
            )
            for i in range(lines)
        )
        BudgetExecution.objects.bulk_create(
            BudgetExecution(line=line, quarter=q, committed=Decimal("100"), paid=Decimal("50"))
            for line in created
            for q in (1, 4)
        )
        for funder in funders:
            FundingFactory(plan=plan, funder=funder)
        user = MembershipFactory(plan=plan, role=MemberRole.VIEWER).user
        client.force_login(user)
        with django_assert_max_num_queries(20):
            response = client.get(reverse("plans:budget", args=[plan.pk]))
        assert response.context["summary"].totals.planned == Decimal(1000 * lines)


@pytest.mark.django_db
def test_an_instalment_overdue_is_a_warning_on_the_budget_page_and_the_dashboard(client):
    from tests.indicators.factories import second_year_plan

    world = second_year_plan(actions=2, indicators=1)  # its 2026 balance was expected on 15/12/2026
    client.force_login(world.users[MemberRole.VIEWER])
    for today, expected in ((datetime.date(2026, 12, 10), False), (datetime.date(2026, 12, 20), True)):
        with mock.patch("django.utils.timezone.localdate", return_value=today):
            budget = client.get(reverse("plans:budget", args=[world.plan.pk]))
            dashboard = client.get(reverse("indicators:dashboard", args=[world.plan.pk]))
        message = "Versement en retard : 10\u00a0000,00\u00a0€ de MILDECA 2026"
        assert (message in budget.text) is expected and (message in dashboard.text) is expected, today
    instalment = world.funding.instalments.get(received_on=None)
    instalment.received_on = datetime.date(2026, 12, 18)
    instalment.save()
    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2026, 12, 20)):
        assert "Versement en retard" not in client.get(reverse("plans:budget", args=[world.plan.pk])).text
