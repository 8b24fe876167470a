"""The quarter page: progress and values saved in one go, closed quarters frozen, bad input explained."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from indicators.enums import Frequency, Unit
from indicators.models import Measurement, ProgressUpdate
from indicators.selectors.definitions import STEP_ACTIONS_PER_PAGE
from indicators.selectors.tracking import QUARTER_ACTIONS_PER_PAGE
from indicators.services import quarter_close, quarter_reopen, quarter_save
from plans.enums import ActionStatus, MemberRole, PlanStatus
from plans.models import PeriodEvent, ReportingPeriod
from plans.services import reporting_periods_sync
from tests.indicators.factories import IndicatorFactory
from tests.partners.factories import UserFactory
from tests.plans.factories import ActionFactory, AxisFactory, MembershipFactory, PlanFactory


@pytest.fixture
def tracked(db):
    """An adopted 2026–2028 plan with two actions (one led by the contributor's organisation) and indicators."""
    plan = PlanFactory(adopted=True)
    reporting_periods_sync(plan=plan)
    axis = AxisFactory(pillar__plan=plan)
    mine = ActionFactory(axis=axis, title="Action pilotée", due_date=datetime.date(2026, 2, 28))
    other = ActionFactory(axis=axis, title="Action pilotée par un autre")
    users = {role: MembershipFactory(plan=plan, role=role).user for role in MemberRole.values}
    users["lead"] = UserFactory(partner=mine.lead)
    MembershipFactory(plan=plan, user=users["lead"], role=MemberRole.CONTRIBUTOR)
    indicators = {
        "count": IndicatorFactory(action=mine, label="Nombre de séances", target_value=Decimal("40")),
        "percent": IndicatorFactory(action=mine, label="Part des élèves", unit=Unit.PERCENTAGE),
        "report": IndicatorFactory(
            action=other, label="Rapport semestriel", unit=Unit.TEXT, frequency=Frequency.HALF_YEARLY
        ),
        "yearly": IndicatorFactory(action=other, label="Bilan annuel", frequency=Frequency.YEARLY),
    }
    period = plan.periods.get(year=2026, quarter=1)
    return plan, period, mine, other, users, indicators


def url(plan, period, suffix=""):
    return reverse("indicators:quarter" + suffix, args=[plan.pk, period.year, period.quarter])


def page_forms(response):
    """The quarter page's forms: {action id: progress form}, {indicator id: value form}."""
    sheet = response.context["sheet"]
    progress = {row.action.pk: row.form for row in sheet.rows if row.form}
    values = {row.indicator.pk: row.form for row in sheet.indicator_rows if row.form}
    return progress, values


def page_data(response, **changes):
    """What the browser would post back: every field as rendered, plus the changes."""
    data = {}
    progress, values = page_forms(response)
    for form in [*progress.values(), *values.values()]:
        for name in form.fields:
            value = form[name].value()
            data[form.add_prefix(name)] = "" if value is None else value
    data.update(changes)
    return data


@pytest.mark.django_db
class TestQuarterPage:
    def test_periods_cover_the_plan(self, tracked):
        plan, *_ = tracked
        assert plan.periods.count() == 12
        assert plan.periods.first().label == "T1 2026"

    def test_lists_actions_and_only_indicators_due(self, client, tracked):
        plan, period, mine, other, users, indicators = tracked
        client.force_login(users[MemberRole.VIEWER])
        response = client.get(url(plan, period))
        html = response.content.decode()
        assert mine.title in html and other.title in html
        assert "Nombre de séances" in html and "Part des élèves" in html
        assert "Rapport semestriel" not in html and "Bilan annuel" not in html  # due in T2/T4, T4
        assert f'name="a-{mine.pk}-status"' not in html  # the viewer reads, it does not edit
        q2 = client.get(url(plan, plan.periods.get(year=2026, quarter=2))).content.decode()
        assert "Rapport semestriel" in q2 and "Bilan annuel" not in q2

    def test_editor_saves_progress_and_values_in_one_go(self, client, tracked):
        plan, period, mine, other, users, indicators = tracked
        client.force_login(users[MemberRole.EDITOR])
        page = client.get(url(plan, period))
        forms, values = page_forms(page)
        data = page_data(
            page,
            **{
                forms[mine.pk].add_prefix("status"): "in_progress",
                forms[mine.pk].add_prefix("progress"): "35",
                forms[mine.pk].add_prefix("note"): "Quatre séances dans deux collèges.",
                values[indicators["count"].pk].add_prefix("value"): "1 204",
                values[indicators["percent"].pk].add_prefix("value"): "62,5",
            },
        )
        response = client.post(url(plan, period), data)
        assert response.status_code == 302
        update = ProgressUpdate.objects.get(action=mine, period=period)
        assert (update.progress, update.note, update.entered_by) == (
            35,
            "Quatre séances dans deux collèges.",
            users[MemberRole.EDITOR],
        )
        assert Measurement.objects.get(indicator=indicators["count"]).value_number == Decimal("1204")
        assert Measurement.objects.get(indicator=indicators["percent"]).value_number == Decimal("62.5")
        assert not ProgressUpdate.objects.filter(action=other).exists()  # unchanged forms are not saved
        mine.refresh_from_db()
        assert (mine.status, mine.progress) == (ActionStatus.IN_PROGRESS, 35)

    def test_bad_input_is_refused_next_to_the_field_and_nothing_is_saved(self, client, tracked):
        plan, period, mine, _other, users, indicators = tracked
        client.force_login(users[MemberRole.EDITOR])
        page = client.get(url(plan, period))
        forms, values = page_forms(page)
        data = page_data(
            page,
            **{
                forms[mine.pk].add_prefix("note"): "Gardé tel que saisi",
                values[indicators["count"].pk].add_prefix("value"): "beaucoup",
                values[indicators["percent"].pk].add_prefix("value"): "120",
            },
        )
        response = client.post(url(plan, period), data)
        assert response.status_code == 400
        errors = {pk: f.errors for pk, f in page_forms(response)[1].items()}
        assert "Saisissez un nombre" in errors[indicators["count"].pk]["value"][0]
        assert "Un pourcentage est compris entre 0 et 100." in errors[indicators["percent"].pk]["value"]
        html = response.content.decode()
        assert "Gardé tel que saisi" in html and 'value="beaucoup"' in html
        assert not ProgressUpdate.objects.exists() and not Measurement.objects.exists()

    def test_contributor_reports_only_on_what_it_leads(self, client, tracked):
        plan, period, mine, other, users, indicators = tracked
        client.force_login(users["lead"])
        page = client.get(url(plan, period))
        assert list(page_forms(page)[0]) == [mine.pk]
        mine_only = client.get(url(plan, period) + "?mine=1").content.decode()
        assert mine.title in mine_only and other.title not in mine_only
        with pytest.raises(PermissionDenied):
            quarter_save(
                period=period, by=users["lead"], progress=[{"action": other, "status": "done", "progress": 100}]
            )

    def test_late_actions_are_flagged(self, client, tracked):
        plan, period, mine, _other, users, _indicators = tracked
        client.force_login(users[MemberRole.VIEWER])
        response = client.get(url(plan, period))
        rows = {r.action.pk: r for r in response.context["sheet"].rows}
        assert rows[mine.pk].late  # due 28/02/2026, still planned at the end of T1 2026

    def test_value_for_a_quarter_the_indicator_is_not_due_in_is_refused(self, tracked):
        plan, period, _mine, _other, users, indicators = tracked
        with pytest.raises(Exception, match="n'est pas attendu au T1 2026"):
            quarter_save(
                period=period,
                by=users[MemberRole.EDITOR],
                measurements=[
                    {"indicator": indicators["yearly"], "value_number": Decimal("3"), "value_text": "", "comment": ""}
                ],
            )

    def test_draft_plan_is_not_tracked(self, client, db):
        plan = PlanFactory()
        reporting_periods_sync(plan=plan)
        user = MembershipFactory(plan=plan, role=MemberRole.COORDINATOR).user
        client.force_login(user)
        response = client.get(url(plan, plan.periods.first()))
        assert "commence une fois le plan adopté" in response.content.decode()
        assert not response.context["sheet"].can_save


@pytest.mark.django_db
class TestClosingQuarters:
    def test_coordinator_closes_with_a_summary_then_reopens_with_a_reason(self, client, tracked):
        plan, period, _mine, _other, users, _indicators = tracked
        client.force_login(users[MemberRole.COORDINATOR])
        summary_page = client.get(url(plan, period, "_close")).content.decode()
        assert "2 valeurs d’indicateur" in summary_page
        client.post(url(plan, period, "_close"))
        period.refresh_from_db()
        assert period.is_closed and period.closed_by == users[MemberRole.COORDINATOR]
        assert PeriodEvent.objects.get(kind="closed").summary.startswith("Manquaient : 2 valeurs d'indicateur")
        response = client.post(url(plan, period, "_reopen"), {"reason": ""})
        assert "Indiquez pourquoi le trimestre est rouvert." in response.content.decode()
        client.post(url(plan, period, "_reopen"), {"reason": "Chiffres de la police arrivés en retard"})
        period.refresh_from_db()
        assert not period.is_closed
        assert PeriodEvent.objects.get(kind="reopened").reason == "Chiffres de la police arrivés en retard"

    @pytest.mark.parametrize("role", [MemberRole.EDITOR, MemberRole.CONTRIBUTOR, MemberRole.VIEWER])
    def test_only_the_coordinator_closes(self, client, tracked, role):
        plan, period, *_rest, users, _indicators = tracked
        client.force_login(users[role])
        assert client.post(url(plan, period, "_close")).status_code == 403
        assert not ReportingPeriod.objects.get(pk=period.pk).is_closed

    def test_closed_quarter_cannot_be_changed_by_anyone(self, client, tracked):
        plan, period, mine, _other, users, indicators = tracked
        coordinator = users[MemberRole.COORDINATOR]
        quarter_close(period=period, by=coordinator)
        with pytest.raises(Exception, match="T1 2026 est clos"):
            quarter_save(period=period, by=coordinator, progress=[{"action": mine, "status": "done", "progress": 100}])
        client.force_login(coordinator)
        response = client.get(url(plan, period))
        assert not response.context["sheet"].can_save
        assert response.context["sheet"].missing_count == 2
        assert "manquante" in response.content.decode()

    def test_reopen_requires_a_reason_in_the_service_too(self, tracked):
        plan, period, *_rest, users, _indicators = tracked
        quarter_close(period=period, by=users[MemberRole.COORDINATOR])
        with pytest.raises(Exception, match="Indiquez pourquoi"):
            quarter_reopen(period=period, by=users[MemberRole.COORDINATOR], reason="  ")


@pytest.mark.django_db
class TestActionHistoryAcrossQuarters:
    def test_action_page_shows_each_quarter(self, client, tracked):
        plan, period, mine, _other, users, indicators = tracked
        editor = users[MemberRole.EDITOR]
        q2 = plan.periods.get(year=2026, quarter=2)
        for quarter, progress, note, value in [(period, 20, "Lancement", "12"), (q2, 50, "Mi-parcours", "25")]:
            quarter_save(
                period=quarter,
                by=editor,
                progress=[{"action": mine, "status": "in_progress", "progress": progress, "note": note}],
                measurements=[
                    {"indicator": indicators["count"], "value_number": Decimal(value), "value_text": "", "comment": ""}
                ],
            )
        client.force_login(users[MemberRole.VIEWER])
        html = client.get(reverse("plans:action_detail", args=[plan.pk, mine.pk])).content.decode()
        assert "T1 2026" in html and "Lancement" in html and "Mi-parcours" in html
        assert "cible 40" in html and ">25<" in html

    def test_older_quarter_does_not_overwrite_the_current_status(self, tracked):
        plan, period, mine, _other, users, _indicators = tracked
        editor = users[MemberRole.EDITOR]
        q2 = plan.periods.get(year=2026, quarter=2)
        quarter_save(period=q2, by=editor, progress=[{"action": mine, "status": "done", "progress": 100}])
        quarter_save(period=period, by=editor, progress=[{"action": mine, "status": "in_progress", "progress": 40}])
        mine.refresh_from_db()
        assert mine.status == ActionStatus.DONE


@pytest.mark.django_db
class TestQuarterQueries:
    @pytest.mark.parametrize("size", [10, 400])
    def test_fixed_query_count(self, client, django_assert_max_num_queries, size):
        from indicators.models import Indicator
        from plans.models import Action

        plan = PlanFactory(adopted=True, with_actions=size)
        assert plan.status == PlanStatus.ADOPTED
        reporting_periods_sync(plan=plan)
        Indicator.objects.bulk_create(
            Indicator(plan=plan, action=a, label=f"Indicateur {n}", unit=Unit.COUNT)
            for a in Action.objects.filter(plan=plan)
            for n in range(4)
        )
        user = MembershipFactory(plan=plan, role=MemberRole.EDITOR).user
        client.force_login(user)
        period = plan.periods.get(year=2026, quarter=2)
        with django_assert_max_num_queries(13):
            response = client.get(url(plan, period))
        assert len(page_forms(response)[1]) == 4 * min(size, QUARTER_ACTIONS_PER_PAGE)
        last = (size - 1) // QUARTER_ACTIONS_PER_PAGE + 1
        with django_assert_max_num_queries(13):
            response = client.get(url(plan, period), {"page": last})
        assert len(page_forms(response)[0]) == size - (last - 1) * QUARTER_ACTIONS_PER_PAGE


@pytest.mark.django_db
class TestQuarterFilters:
    def test_pillar_filter(self, client, tracked):
        plan, period, mine, _other, users, _indicators = tracked
        other_pillar_action = ActionFactory(axis__pillar__plan=plan, title="Action du second pilier")
        client.force_login(users[MemberRole.VIEWER])
        html = client.get(url(plan, period), {"pillar": mine.axis.pillar_id}).content.decode()
        assert mine.title in html and other_pillar_action.title not in html


TRACKING_VIEWS = [
    ("quarter", "get", "", None, {"coordinator", "editor", "contributor", "viewer", "lead"}, 200),
    ("quarter-save", "post", "", "page", {"coordinator", "editor", "lead"}, 302),
    ("close", "get", "_close", None, {"coordinator"}, 200),
    ("close-save", "post", "_close", {}, {"coordinator"}, 302),
    ("reopen", "get", "_reopen", None, {"coordinator"}, 200),
]


@pytest.mark.django_db
class TestTrackingPermissions:
    @pytest.mark.parametrize("role", ["coordinator", "editor", "contributor", "viewer", "lead", "outsider"])
    @pytest.mark.parametrize(
        ("name", "method", "suffix", "data", "allowed", "ok"), TRACKING_VIEWS, ids=[v[0] for v in TRACKING_VIEWS]
    )
    def test_matrix(self, client, tracked, name, method, suffix, data, allowed, ok, role):
        """Each role on each tracking view of its plan; a member of another territory's plan gets 404."""
        plan, period, *_rest, users, _indicators = tracked
        if role == "outsider":
            other = PlanFactory(territory__belgian=True)
            user = MembershipFactory(plan=other, role=MemberRole.COORDINATOR).user
        else:
            user = users[role]
        client.force_login(user)
        target = url(plan, period, suffix)
        if method == "get":
            response = client.get(target)
        else:
            payload = data
            if data == "page":
                page = client.get(target)
                payload = page_data(page) if page.status_code == 200 else {}
                forms = page_forms(page)[0] if page.status_code == 200 else {}
                if forms:
                    form = next(iter(forms.values()))
                    payload[form.add_prefix("progress")] = "15"
            response = client.post(target, payload)
        expected = 404 if role == "outsider" else ok if role in allowed else 403
        assert response.status_code == expected, (name, role)


@pytest.mark.django_db
class TestMeasurementsApi:
    def post(self, client, indicator, period, value):
        return client.post(
            "/api/v1/measurements/",
            {"indicator": indicator.pk, "period": period.pk, "value_number": value},
            content_type="application/json",
        )

    def test_editor_records_a_value(self, client, tracked):
        plan, period, _mine, _other, users, indicators = tracked
        client.force_login(users[MemberRole.EDITOR])
        response = self.post(client, indicators["count"], period, "12")
        assert response.status_code == 201
        assert Measurement.objects.get().value_number == Decimal("12")

    def test_closed_quarter_is_refused_through_the_api(self, client, tracked):
        plan, period, _mine, _other, users, indicators = tracked
        coordinator = users[MemberRole.COORDINATOR]
        value = {"indicator": indicators["count"], "value_number": Decimal("5"), "value_text": "", "comment": ""}
        quarter_save(period=period, by=coordinator, measurements=[value])
        quarter_close(period=period, by=coordinator)
        client.force_login(coordinator)
        response = self.post(client, indicators["count"], period, "9")
        assert response.status_code == 403
        assert "T1 2026 est clos" in response.json()["detail"]
        measurement = Measurement.objects.get()
        patch = client.patch(
            f"/api/v1/measurements/{measurement.pk}/",
            {"value_number": "9", "version": measurement.version},
            content_type="application/json",
        )
        assert patch.status_code == 403
        measurement.refresh_from_db()
        assert measurement.value_number == Decimal("5")

    def test_percentage_over_100_is_explained(self, client, tracked):
        plan, period, _mine, _other, users, indicators = tracked
        client.force_login(users[MemberRole.EDITOR])
        response = self.post(client, indicators["percent"], period, "120")
        assert response.status_code == 400
        assert response.json() == {"value_number": ["Un pourcentage est compris entre 0 et 100."]}

    def test_other_plans_are_invisible(self, client, tracked):
        plan, period, _mine, _other, users, indicators = tracked
        outsider = MembershipFactory(plan=PlanFactory(), role=MemberRole.COORDINATOR).user
        client.force_login(outsider)
        assert self.post(client, indicators["count"], period, "1").status_code == 400
        assert client.get("/api/v1/measurements/").json()["results"] == []

    def test_contributor_cannot_report_on_others(self, client, tracked):
        plan, period, _mine, _other, users, indicators = tracked
        client.force_login(users[MemberRole.CONTRIBUTOR])
        assert self.post(client, indicators["count"], period, "1").status_code == 403


@pytest.mark.django_db
class TestBigPlansOpenOnOnePillar:
    """Above ONE_PILLAR_FROM actions, the quarter page and the indicators step show one pillar at a time."""

    @pytest.fixture
    def big(self, db):
        from plans.selectors import ONE_PILLAR_FROM
        from tests.indicators.factories import second_year_plan

        return second_year_plan(actions=ONE_PILLAR_FROM + 4, indicators=1)

    def test_quarter_page(self, client, big):
        plan, users = big.plan, big.users
        first, second = plan.pillars.order_by("order")
        period = plan.periods.get(year=2026, quarter=4)
        client.force_login(users[MemberRole.COORDINATOR])
        response = client.get(url(plan, period))
        shown = {row.action.axis.pillar_id for row in response.context["sheet"].rows}
        assert shown == {first.pk}
        html = response.content.decode()
        assert "la page s’ouvre sur un pilier à la fois" in html and "pillar=all" in html
        everything = client.get(url(plan, period), {"pillar": "all"})
        assert everything.context["sheet"].page.paginator.count == plan.actions.count()
        assert "un pilier à la fois" not in everything.content.decode()
        chosen = client.get(url(plan, period), {"pillar": second.pk})
        assert {row.action.axis.pillar_id for row in chosen.context["sheet"].rows} == {second.pk}
        for unknown in ("999999", "deux", "-1"):
            assert client.get(url(plan, period), {"pillar": unknown}).context["sheet"].pillars.pillar == first

    def test_saving_one_pillar_leaves_the_others_as_they_were(self, client, big):
        plan, users = big.plan, big.users
        first, second = plan.pillars.order_by("order")
        period = plan.periods.get(year=2026, quarter=4)
        before = dict(
            ProgressUpdate.objects.filter(period=period, action__axis__pillar=second).values_list("pk", "note")
        )
        client.force_login(users[MemberRole.COORDINATOR])
        response = client.get(url(plan, period))
        action = response.context["sheet"].rows[0].action
        data = page_data(response, **{f"a-{action.pk}-note": "Fait sur le premier pilier"})
        assert client.post(url(plan, period), data).status_code == 302
        assert ProgressUpdate.objects.get(period=period, action=action).note == "Fait sur le premier pilier"
        after = dict(
            ProgressUpdate.objects.filter(period=period, action__axis__pillar=second).values_list("pk", "note")
        )
        assert after == before

    def test_indicators_step(self, client, big):
        plan, users = big.plan, big.users
        first, second = plan.pillars.order_by("order")
        client.force_login(users[MemberRole.COORDINATOR])
        page = reverse("indicators:plan_indicators", args=[plan.pk])
        response = client.get(page)
        assert {a.axis.pillar_id for a in response.context["step"].actions} == {first.pk}
        assert "un pilier à la fois" in response.content.decode()
        every = client.get(page, {"pillar": "all"}).context["step"]
        assert every.pages.page.paginator.count == plan.actions.count()
        assert len(every.actions) == STEP_ACTIONS_PER_PAGE
        # The last action of the second pillar is on the second page of that pillar.
        last = plan.actions.filter(axis__pillar=second).order_by("axis__number", "order", "pk").last()
        indicator = plan.indicators.filter(action=last).first()
        edit = reverse("indicators:indicator_edit", args=[plan.pk, indicator.pk])
        form = client.get(edit).context["form"]
        response = client.post(edit, {name: form[name].value() or "" for name in form.fields})
        in_pillar = plan.actions.filter(axis__pillar=second).count()
        expected_page = (
            f"&page={(in_pillar - 1) // STEP_ACTIONS_PER_PAGE + 1}" if in_pillar > STEP_ACTIONS_PER_PAGE else ""
        )
        assert response["Location"] == f"{page}?pillar={second.pk}{expected_page}#action-{last.pk}"
        # Back from editing an indicator of the second pillar: on that pillar, at that action.
        indicator = plan.indicators.filter(action__axis__pillar=second).first()
        edit = reverse("indicators:indicator_edit", args=[plan.pk, indicator.pk])
        form = client.get(edit).context["form"]
        data = {name: form[name].value() or "" for name in form.fields}
        data["label"] = "Nouvel intitulé"
        response = client.post(edit, data)
        assert response.status_code == 302, response.context["form"].errors
        assert response["Location"] == f"{page}?pillar={second.pk}#action-{indicator.action_id}"

    def test_suggestions_are_accepted_for_the_pillar_shown(self, client, big):
        from plans.models import Action

        plan, users = big.plan, big.users
        first, second = plan.pillars.order_by("order")
        suggestion = [{"label": "Nombre de participants", "kind": "result", "unit": "count"}]
        Action.objects.filter(plan=plan).update(indicator_suggestions=suggestion)
        client.force_login(users[MemberRole.COORDINATOR])
        before = plan.indicators.count()
        response = client.post(reverse("indicators:accept_suggestions", args=[plan.pk]), {"pillar": first.pk})
        assert response.status_code == 302 and response["Location"].endswith(f"?pillar={first.pk}")
        created = plan.indicators.count() - before
        assert created == plan.actions.filter(axis__pillar=first).count()
        assert not plan.indicators.filter(action__axis__pillar=second, label="Nombre de participants").exists()
        assert (
            client.post(reverse("indicators:accept_suggestions", args=[plan.pk]), {"pillar": "x"}).status_code == 404
        )

    def test_pages_of_actions(self, client, big):
        plan, users = big.plan, big.users
        period = plan.periods.get(year=2026, quarter=4)
        client.force_login(users[MemberRole.COORDINATOR])
        total = plan.actions.count()
        second = client.get(url(plan, period), {"pillar": "all", "page": "2"})
        sheet = second.context["sheet"]
        assert sheet.page.number == 2 and len(sheet.rows) == QUARTER_ACTIONS_PER_PAGE
        assert sheet.late_count == sum(1 for a in plan.actions.all() if a.is_late(period.end))  # all pages
        html = second.content.decode()
        assert f"Actions 26 à 50 sur {total}" in html and "pillar=all&amp;page=3" in html
        action = sheet.rows[0].action
        data = page_data(second, **{f"a-{action.pk}-note": "Saisi en page 2"})
        saved = client.post(url(plan, period) + "?pillar=all&page=2", data)
        assert saved.status_code == 302 and saved["Location"].endswith("?pillar=all&page=2")
        assert ProgressUpdate.objects.get(period=period, action=action).note == "Saisi en page 2"
        beyond = client.get(url(plan, period), {"pillar": "all", "page": "999"})
        assert beyond.context["sheet"].page.number == beyond.context["sheet"].page.paginator.num_pages
        assert "voici la dernière" in beyond.content.decode()
