"""The permission matrix: every role × every drafting view, on its own plan and on another territory's."""

import pytest
from django.urls import reverse

from plans.enums import ActionStatus, MeetingKind, MemberRole, PillarKind
from tests.indicators.factories import IndicatorFactory
from tests.plans.factories import BudgetLineFactory, FundingFactory

C, E, K, V = MemberRole.COORDINATOR, MemberRole.EDITOR, MemberRole.CONTRIBUTOR, MemberRole.VIEWER
EVERYONE = {C, E, K, V}
EDITORS = {C, E}
COORDINATOR = {C}


def action_data(w):
    return {
        "axis": w.axis.pk,
        "title": "Nouvelle action",
        "status": ActionStatus.PLANNED,
        "progress": 0,
        "version": w.action.version,
    }


# (name, method, url builder, data builder, roles allowed, status when allowed)
VIEWS = [
    ("detail", "get", lambda w: reverse("plans:detail", args=[w.plan.pk]), None, EVERYONE, 200),
    ("frame", "get", lambda w: reverse("plans:frame", args=[w.plan.pk]), None, EVERYONE, 200),
    (
        "frame-save",
        "post",
        lambda w: reverse("plans:frame", args=[w.plan.pk]),
        lambda w: {"title": "Nouveau titre", "period_start": "01/01/2026", "period_end": "31/12/2028"},
        EDITORS,
        302,
    ),
    ("partners", "get", lambda w: reverse("plans:partners", args=[w.plan.pk]), None, EVERYONE, 200),
    (
        "partner-add",
        "post",
        lambda w: reverse("plans:partners", args=[w.plan.pk]),
        lambda w: {"name": "CAARUD de test", "kind": "caarud"},
        EDITORS,
        302,
    ),
    (
        "partner-remove",
        "post",
        lambda w: reverse("plans:partner_remove", args=[w.plan.pk, w.action.lead.pk]),
        lambda w: {},
        EDITORS,
        302,
    ),
    ("members", "get", lambda w: reverse("plans:members", args=[w.plan.pk]), None, EVERYONE, 200),
    (
        "member-invite",
        "post",
        lambda w: reverse("plans:members", args=[w.plan.pk]),
        lambda w: {"email": "nouvelle@exemple.fr", "role": V},
        COORDINATOR,
        302,
    ),
    (
        "member-role",
        "post",
        lambda w: reverse("plans:member_role", args=[w.plan.pk, w.plan.memberships.get(role=V).pk]),
        lambda w: {"role": K},
        COORDINATOR,
        302,
    ),
    (
        "member-remove",
        "post",
        lambda w: reverse("plans:member_remove", args=[w.plan.pk, w.plan.memberships.get(role=V).pk]),
        lambda w: {},
        COORDINATOR,
        302,
    ),
    ("structure", "get", lambda w: reverse("plans:structure", args=[w.plan.pk]), None, EVERYONE, 200),
    (
        "pillar-create",
        "post",
        lambda w: reverse("plans:pillar_create", args=[w.plan.pk]),
        lambda w: {"pillar-kind": PillarKind.CARE, "pillar-name": "Soins"},
        EDITORS,
        302,
    ),
    ("pillar-edit", "get", lambda w: reverse("plans:pillar_edit", args=[w.plan.pk, w.pillar.pk]), None, EDITORS, 200),
    (
        "pillar-edit-save",
        "post",
        lambda w: reverse("plans:pillar_edit", args=[w.plan.pk, w.pillar.pk]),
        lambda w: {"pillar-kind": PillarKind.CARE, "pillar-name": "Renommé"},
        EDITORS,
        302,
    ),
    (
        "pillar-delete",
        "post",
        lambda w: reverse("plans:pillar_delete", args=[w.plan.pk, w.empty_pillar.pk]),
        lambda w: {},
        EDITORS,
        302,
    ),
    (
        "pillar-move",
        "post",
        lambda w: reverse("plans:pillar_move", args=[w.plan.pk, w.pillar.pk]),
        lambda w: {"direction": "down"},
        EDITORS,
        302,
    ),
    (
        "axis-create",
        "post",
        lambda w: reverse("plans:axis_create", args=[w.plan.pk]),
        lambda w: {"axis-pillar": w.pillar.pk, "axis-name": "Nouvel axe"},
        EDITORS,
        302,
    ),
    ("axis-edit", "get", lambda w: reverse("plans:axis_edit", args=[w.plan.pk, w.axis.pk]), None, EDITORS, 200),
    (
        "axis-edit-save",
        "post",
        lambda w: reverse("plans:axis_edit", args=[w.plan.pk, w.axis.pk]),
        lambda w: {"axis-pillar": w.pillar.pk, "axis-number": 4, "axis-name": "Renommé"},
        EDITORS,
        302,
    ),
    (
        "axis-delete",
        "post",
        lambda w: reverse("plans:axis_delete", args=[w.plan.pk, w.empty_axis.pk]),
        lambda w: {},
        EDITORS,
        302,
    ),
    (
        "axis-move",
        "post",
        lambda w: reverse("plans:axis_move", args=[w.plan.pk, w.axis.pk]),
        lambda w: {"direction": "down"},
        EDITORS,
        302,
    ),
    ("actions", "get", lambda w: reverse("plans:actions", args=[w.plan.pk]), None, EVERYONE, 200),
    ("action-create", "get", lambda w: reverse("plans:action_create", args=[w.plan.pk]), None, EDITORS, 200),
    (
        "action-create-save",
        "post",
        lambda w: reverse("plans:action_create", args=[w.plan.pk]),
        action_data,
        EDITORS,
        302,
    ),
    (
        "action-detail",
        "get",
        lambda w: reverse("plans:action_detail", args=[w.plan.pk, w.action.pk]),
        None,
        EVERYONE,
        200,
    ),
    ("action-edit", "get", lambda w: reverse("plans:action_edit", args=[w.plan.pk, w.action.pk]), None, EDITORS, 200),
    (
        "action-edit-save",
        "post",
        lambda w: reverse("plans:action_edit", args=[w.plan.pk, w.action.pk]),
        action_data,
        EDITORS,
        302,
    ),
    (
        "action-duplicate",
        "post",
        lambda w: reverse("plans:action_duplicate", args=[w.plan.pk, w.action.pk]),
        lambda w: {},
        EDITORS,
        302,
    ),
    (
        "action-move",
        "post",
        lambda w: reverse("plans:action_move", args=[w.plan.pk, w.action.pk]),
        lambda w: {"direction": "up"},
        EDITORS,
        302,
    ),
    (
        "action-delete",
        "get",
        lambda w: reverse("plans:action_delete", args=[w.plan.pk, w.action.pk]),
        None,
        EDITORS,
        200,
    ),
    (
        "action-delete-confirm",
        "post",
        lambda w: reverse("plans:action_delete", args=[w.plan.pk, w.action.pk]),
        lambda w: {},
        EDITORS,
        302,
    ),
    ("catalogue", "get", lambda w: reverse("plans:catalogue", args=[w.plan.pk]), None, EVERYONE, 200),
    (
        "catalogue-pick",
        "post",
        lambda w: reverse("plans:catalogue", args=[w.plan.pk]),
        lambda w: {"axis": w.axis.pk, "measures": [1]},
        EDITORS,
        302,
    ),
    ("review", "get", lambda w: reverse("plans:review", args=[w.plan.pk]), None, EVERYONE, 200),
    ("adopt", "get", lambda w: reverse("plans:adopt", args=[w.plan.pk]), None, EVERYONE, 200),
    (
        "adopt-save",
        "post",
        lambda w: reverse("plans:adopt", args=[w.plan.pk]),
        lambda w: {"date": "15/01/2026", "kind": MeetingKind.STEERING},
        COORDINATOR,
        302,
    ),
    ("budget", "get", lambda w: reverse("plans:budget", args=[w.plan.pk]), None, EVERYONE, 200),
    ("funding-create", "get", lambda w: reverse("plans:funding_create", args=[w.plan.pk]), None, EDITORS, 200),
    (
        "funding-create-save",
        "post",
        lambda w: reverse("plans:funding_create", args=[w.plan.pk]),
        lambda w: {
            "funder": w.action.lead.pk,
            "year": "2026",
            "amount_granted": "1 000",
        },
        EDITORS,
        302,
    ),
    (
        "funding-edit",
        "get",
        lambda w: reverse("plans:funding_edit", args=[w.plan.pk, w.funding.pk]),
        None,
        EDITORS,
        200,
    ),
    (
        "funding-delete",
        "post",
        lambda w: reverse("plans:funding_delete", args=[w.plan.pk, w.funding.pk]),
        lambda w: {},
        EDITORS,
        302,
    ),
    ("line-create", "get", lambda w: reverse("plans:line_create", args=[w.plan.pk, w.action.pk]), None, EDITORS, 200),
    (
        "line-create-save",
        "post",
        lambda w: reverse("plans:line_create", args=[w.plan.pk, w.action.pk]),
        lambda w: {"funder": w.action.lead.pk, "year": "2026", "nature": "staff", "planned_amount": "500"},
        EDITORS,
        302,
    ),
    ("line-edit", "get", lambda w: reverse("plans:line_edit", args=[w.plan.pk, w.line.pk]), None, EDITORS, 200),
    (
        "line-delete",
        "post",
        lambda w: reverse("plans:line_delete", args=[w.plan.pk, w.line.pk]),
        lambda w: {},
        EDITORS,
        302,
    ),
    (
        "line-execution",
        "get",
        lambda w: reverse("plans:line_execution", args=[w.plan.pk, w.line.pk]),
        None,
        EDITORS,
        200,
    ),
    (
        "line-execution-save",
        "post",
        lambda w: reverse("plans:line_execution", args=[w.plan.pk, w.line.pk]),
        lambda w: {**{f"{k}_{q}": "0" for q in range(1, 5) for k in ("committed", "paid")}, "committed_1": "10"},
        EDITORS,
        302,
    ),
    ("history", "get", lambda w: reverse("plans:history", args=[w.plan.pk]), None, EVERYONE, 200),
    ("meetings", "get", lambda w: reverse("plans:meetings", args=[w.plan.pk]), None, EVERYONE, 200),
    (
        "meeting-save",
        "post",
        lambda w: reverse("plans:meetings", args=[w.plan.pk]),
        lambda w: {"date": "15/01/2026", "kind": MeetingKind.TECHNICAL},
        COORDINATOR,
        302,
    ),
    ("indicators", "get", lambda w: reverse("indicators:plan_indicators", args=[w.plan.pk]), None, EVERYONE, 200),
    (
        "indicator-create",
        "get",
        lambda w: reverse("indicators:indicator_create", args=[w.plan.pk]),
        None,
        EDITORS,
        200,
    ),
    (
        "indicator-create-save",
        "post",
        lambda w: reverse("indicators:indicator_create", args=[w.plan.pk]),
        lambda w: {
            "action": w.action.pk,
            "kind": "result",
            "label": "Nombre de séances",
            "unit": "count",
            "frequency": "quarterly",
            "direction": "up",
        },
        EDITORS,
        302,
    ),
    (
        "indicator-edit",
        "get",
        lambda w: reverse("indicators:indicator_edit", args=[w.plan.pk, w.indicator.pk]),
        None,
        EDITORS,
        200,
    ),
    (
        "indicator-delete",
        "post",
        lambda w: reverse("indicators:indicator_delete", args=[w.plan.pk, w.indicator.pk]),
        lambda w: {},
        EDITORS,
        302,
    ),
    (
        "suggestions-accept",
        "post",
        lambda w: reverse("indicators:accept_suggestions", args=[w.plan.pk]),
        lambda w: {},
        EDITORS,
        302,
    ),
]


def _prepare(world):
    world.indicator = IndicatorFactory(plan=world.plan, action=world.action, label="Nombre de réunions")
    world.action.indicator_suggestions = [{"kind": "result", "label": "Nombre de participants"}]
    world.action.save()
    world.funding = FundingFactory(plan=world.plan, funder=world.action.lead, year=2026, amount_granted=1000)
    world.line = BudgetLineFactory(
        plan=world.plan, action=world.action, funder=world.action.lead, year=2026, nature="staff", planned_amount=100
    )
    # The adoption needs a complete plan: the single action has a lead, a due date and now an indicator.
    return world


@pytest.mark.django_db
class TestPermissionMatrix:
    @pytest.mark.parametrize("role", [C, E, K, V, "outsider"])
    @pytest.mark.parametrize(("name", "method", "url", "data", "allowed", "ok"), VIEWS, ids=[v[0] for v in VIEWS])
    def test_matrix(self, client, world, name, method, url, data, allowed, ok, role):
        """Members get the page or the change if their role allows it, 403 otherwise; outsiders always 404."""
        world = _prepare(world)
        client.force_login(world.user(role))
        target = url(world)
        response = client.get(target) if method == "get" else client.post(target, data(world) if data else {})
        if role == "outsider":
            expected = 404
        elif role in allowed:
            expected = ok
        else:
            expected = 403
        assert response.status_code == expected, (
            name,
            role,
            getattr(response, "context", None)
            and [(f.name, f.errors) for f in (response.context.get("form") or []) if f.errors],
        )

    def test_outsider_gets_404_on_every_view_of_another_plan(self, client, world):
        """Not even the existence of another territory's plan leaks."""
        world = _prepare(world)
        client.force_login(world.nobody)
        for name, method, url, data, _allowed, _ok in VIEWS:
            target = url(world)
            response = client.get(target) if method == "get" else client.post(target, data(world) if data else {})
            assert response.status_code == 404, name

    def test_viewer_sees_no_edit_controls(self, client, world):
        client.force_login(world.user(V))
        html = client.get(reverse("plans:detail", args=[world.plan.pk])).content.decode()
        assert reverse("plans:action_create", args=[world.plan.pk]) not in html
        html = client.get(reverse("plans:structure", args=[world.plan.pk])).content.decode()
        assert "Ajouter le pilier" not in html
        assert "Supprimer" not in html

    def test_closed_plan_is_read_only_for_editors(self, client, world):
        world.plan.status = "closed"
        world.plan.adopted_on = world.plan.period_start
        world.plan.adopted_meeting = world.plan.meetings.create(date=world.plan.period_start)
        world.plan.save()
        client.force_login(world.user(C))
        response = client.post(
            reverse("plans:pillar_create", args=[world.plan.pk]), {"pillar-name": "x", "pillar-kind": "care"}
        )
        assert response.status_code == 403

    def test_home_lists_only_my_plans(self, client, world):
        client.force_login(world.user(V))
        html = client.get(reverse("home")).content.decode()
        assert world.plan.title in html
        assert world.other_plan.title not in html
