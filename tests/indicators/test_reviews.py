"""Submission and validation of an action's quarter: each transition and role, the locks on every path, the
closing rule, the mails, the page."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from indicators.enums import ReviewState
from indicators.models import ActionReview, Measurement, ProgressUpdate
from indicators.reviews import review_reopen, review_return, review_submit, review_validate
from indicators.services import quarter_close, quarter_save
from plans import services as plan_services
from plans.enums import MemberRole
from tests.indicators.factories import ActionReviewFactory, second_year_plan
from tests.plans.factories import MembershipFactory


@pytest.fixture
def world(db):
    world = second_year_plan(actions=3, indicators=2)
    world.led = next(a for a in world.actions if a.lead_id == world.users["lead"].partner_id)
    world.other_action = next(a for a in world.actions if a.lead_id != world.users["lead"].partner_id)
    return world


def submit(world, by=None):
    return review_submit(action=world.led, period=world.open, by=by or world.users["lead"])


def progress(world, **values):
    return {
        "action": world.led,
        "status": "in_progress",
        "progress": 70,
        "note": "Nouveau point",
        "blockers": "",
        **values,
    }


def value_item(world, number="99"):
    indicator = world.led.indicators.order_by("pk").first()
    return {"indicator": indicator, "value_number": Decimal(number), "value_text": "", "comment": ""}


class TestTransitions:
    def test_submit_validate(self, world):
        review = submit(world)
        assert (review.state, review.submitted_by) == (ReviewState.SUBMITTED, world.users["lead"])
        review = review_validate(review=review, by=world.users[MemberRole.COORDINATOR])
        assert (review.state, review.decided_by) == (ReviewState.VALIDATED, world.users[MemberRole.COORDINATOR])
        assert [h.state for h in review.history.order_by("history_date")] == ["submitted", "validated"]

    def test_return_needs_a_reason_then_goes_back_to_the_submitter_who_corrects_and_resubmits(self, world):
        review = submit(world)
        coordinator = world.users[MemberRole.COORDINATOR]
        with pytest.raises(ValidationError, match="Dites ce qui est à corriger"):
            review_return(review=review, by=coordinator, reason="  ")
        review = review_return(review=review, by=coordinator, reason="Le chiffre du T3 est celui du T2.")
        assert (review.state, review.reason) == (ReviewState.RETURNED, "Le chiffre du T3 est celui du T2.")
        quarter_save(period=world.open, by=world.users["lead"], measurements=[value_item(world, "12")])
        review = submit(world)
        assert review.state == ReviewState.SUBMITTED and review.reason == ""

    def test_only_the_coordinator_reopens_a_validated_one_with_a_reason(self, world):
        review = review_validate(review=submit(world), by=world.users[MemberRole.COORDINATOR])
        with pytest.raises(PermissionDenied):
            review_reopen(review=review, by=world.users[MemberRole.EDITOR], reason="Erreur")
        with pytest.raises(ValidationError, match="pourquoi"):
            review_reopen(review=review, by=world.users[MemberRole.COORDINATOR], reason="")
        review = review_reopen(review=review, by=world.users[MemberRole.COORDINATOR], reason="Erreur de saisie")
        assert review.state == ReviewState.DRAFT and review.reason == "Erreur de saisie"
        quarter_save(period=world.open, by=world.users["lead"], progress=[progress(world, progress=80)])

    @pytest.mark.parametrize(
        ("role", "allowed"),
        [
            ("lead", True),
            (MemberRole.EDITOR, True),
            (MemberRole.COORDINATOR, True),
            (MemberRole.VIEWER, False),
            (MemberRole.CONTRIBUTOR, False),  # a contributor of another organisation
        ],
    )
    def test_who_submits(self, world, role, allowed):
        if allowed:
            assert submit(world, by=world.users[role]).state == ReviewState.SUBMITTED
        else:
            with pytest.raises(PermissionDenied):
                submit(world, by=world.users[role])

    @pytest.mark.parametrize(
        ("role", "validator", "allowed"),
        [
            (MemberRole.COORDINATOR, False, True),
            (MemberRole.EDITOR, False, False),
            (MemberRole.EDITOR, True, True),
            (MemberRole.VIEWER, True, True),  # the préfecture, named validator, reads and validates
            ("lead", False, False),
        ],
    )
    def test_who_validates_and_returns(self, world, role, validator, allowed):
        user = world.users[role]
        if validator:
            membership = world.plan.memberships.get(user=user)
            plan_services.member_change_role(
                membership=membership, by=world.users[MemberRole.COORDINATOR], role=membership.role, validator=True
            )
        review = submit(world)
        if allowed:
            assert review_validate(review=review, by=user).state == ReviewState.VALIDATED
        else:
            for decide in (
                lambda: review_validate(review=review, by=user),
                lambda: review_return(review=review, by=user, reason="Non"),
            ):
                with pytest.raises(PermissionDenied):
                    decide()
            assert ActionReview.objects.get(pk=review.pk).state == ReviewState.SUBMITTED

    def test_decisions_out_of_turn_are_refused(self, world):
        coordinator = world.users[MemberRole.COORDINATOR]
        review = submit(world)
        with pytest.raises(ValidationError, match="ne s'applique pas"):
            submit(world)
        review_validate(review=review, by=coordinator)
        for decide in (
            lambda: review_validate(review=review, by=coordinator),
            lambda: review_return(review=review, by=coordinator, reason="x"),
        ):
            with pytest.raises(ValidationError, match="ne s'applique pas"):
                decide()

    def test_nothing_to_submit_before_the_progress_is_entered(self, world):
        ProgressUpdate.objects.filter(action=world.led, period=world.open).delete()
        with pytest.raises(ValidationError, match="avant de la soumettre"):
            submit(world)

    def test_nothing_changes_in_a_closed_quarter(self, world):
        review = ActionReviewFactory(action=world.led, period=world.closed, state=ReviewState.SUBMITTED)
        with pytest.raises(ValidationError, match="est clos"):
            review_validate(review=review, by=world.users[MemberRole.COORDINATOR])
        with pytest.raises(ValidationError, match="est clos"):
            review_submit(action=world.led, period=world.closed, by=world.users["lead"])


class TestLocks:
    def test_a_submitted_quarter_no_longer_changes_from_the_service_the_page_or_the_api(self, client, world):
        submit(world)
        before = (
            ProgressUpdate.objects.get(action=world.led, period=world.open).progress,
            list(
                Measurement.objects.filter(indicator__action=world.led, period=world.open).values_list("value_number")
            ),
        )
        with pytest.raises(ValidationError) as refused:
            quarter_save(period=world.open, by=world.users["lead"], progress=[progress(world)])
        assert "Soumis pour validation" in str(refused.value)
        with pytest.raises(ValidationError):
            quarter_save(period=world.open, by=world.users[MemberRole.EDITOR], measurements=[value_item(world)])
        client.force_login(world.users[MemberRole.EDITOR])
        value = Measurement.objects.filter(indicator__action=world.led, period=world.open).first()
        response = client.patch(
            f"/api/v1/measurements/{value.pk}/",
            {"value_number": "5", "version": value.version},
            content_type="application/json",
        )
        assert response.status_code == 403 and "Soumis pour validation" in str(response.json())
        after = (
            ProgressUpdate.objects.get(action=world.led, period=world.open).progress,
            list(
                Measurement.objects.filter(indicator__action=world.led, period=world.open).values_list("value_number")
            ),
        )
        assert after == before
        # Other actions are not held back.
        quarter_save(
            period=world.open,
            by=world.users[MemberRole.EDITOR],
            progress=[progress(world, action=world.other_action, progress=55)],
        )

    def test_the_page_shows_a_locked_action_read_only_and_keeps_the_others_editable(self, client, world):
        review_validate(review=submit(world), by=world.users[MemberRole.COORDINATOR])
        client.force_login(world.users[MemberRole.EDITOR])
        url = reverse("indicators:quarter", args=[world.plan.pk, world.open.year, world.open.quarter])
        sheet = client.get(url, {"pillar": "all"}).context["sheet"]
        rows = {row.action.pk: row for row in sheet.rows}
        assert rows[world.led.pk].editable is False and rows[world.led.pk].review_state == "validated"
        assert all(not i.editable for i in rows[world.led.pk].indicators)
        assert rows[world.other_action.pk].editable is True


class TestClosing:
    def test_pending_submissions_hold_the_closing_back_unless_confirmed(self, world, settings):
        submit(world)
        coordinator = world.users[MemberRole.COORDINATOR]
        with pytest.raises(ValidationError, match="attend encore d'être validée"):
            quarter_close(period=world.open, by=coordinator)
        event = quarter_close(period=world.open, by=coordinator, confirm_pending=True)
        assert world.led.title in event.summary and "non validée" in event.summary

    def test_the_close_page_lists_them_and_asks_to_confirm(self, client, world):
        submit(world)
        client.force_login(world.users[MemberRole.COORDINATOR])
        url = reverse("indicators:quarter_close", args=[world.plan.pk, world.open.year, world.open.quarter])
        page = client.get(url).content.decode()
        assert world.led.title in page and 'name="avec_soumissions"' in page
        refused = client.post(url)
        world.open.refresh_from_db()
        assert not world.open.is_closed
        # Issue 26: the confirmation page stays, with the refusal beside the box to tick.
        assert refused.status_code == 400
        html = refused.content.decode()
        assert 'id="close-refused"' in html and "attend encore d" in html and 'name="avec_soumissions"' in html
        client.post(url, {"avec_soumissions": "1"})
        world.open.refresh_from_db()
        assert world.open.is_closed


class TestMails:
    def test_the_validators_hear_of_a_submission_and_the_submitter_of_the_decision(
        self, world, django_capture_on_commit_callbacks
    ):
        coordinator = world.users[MemberRole.COORDINATOR]
        named = world.plan.memberships.get(user=world.users[MemberRole.EDITOR])
        plan_services.member_change_role(membership=named, by=coordinator, role=named.role, validator=True)
        with django_capture_on_commit_callbacks(execute=True):
            review = review_submit(action=world.led, period=world.open, by=world.users["lead"], base_url="https://x")
        assert sorted(mail.outbox[0].to) == sorted([coordinator.email, world.users[MemberRole.EDITOR].email])
        assert "À valider" in mail.outbox[0].subject and world.led.title in mail.outbox[0].subject
        assert f"https://x/plans/{world.plan.pk}/suivi/2026/T3/#action-{world.led.pk}" in mail.outbox[0].body
        with django_capture_on_commit_callbacks(execute=True):
            review_return(review=review, by=coordinator, reason="Chiffre à revoir")
        assert mail.outbox[1].to == [world.users["lead"].email]
        assert "Renvoyé pour correction" in mail.outbox[1].subject and "Chiffre à revoir" in mail.outbox[1].body
        with django_capture_on_commit_callbacks(execute=True):
            review = review_submit(action=world.led, period=world.open, by=world.users["lead"])
            review_validate(review=review, by=coordinator)
        assert [m.subject.split(" :")[0] for m in mail.outbox[2:]] == ["À valider", "Validé"]


class TestSubmitAll:
    def test_every_entered_action_at_once_with_one_mail(self, client, world, django_capture_on_commit_callbacks):
        editor, coordinator = world.users[MemberRole.EDITOR], world.users[MemberRole.COORDINATOR]
        client.force_login(editor)
        page = client.get(reverse("indicators:quarter", args=[world.plan.pk, 2026, 3]))
        assert "Enregistrer et soumettre toutes mes actions renseignées" in page.text
        review_validate(review=submit(world), by=coordinator)  # already validated: left as it is
        third = next(a for a in world.actions if a not in (world.led, world.other_action))
        ProgressUpdate.objects.filter(action=third, period=world.open).delete()  # nothing entered: left
        (row,) = [r for r in page.context["sheet"].rows if r.action == world.other_action]
        data = {f"a-{world.other_action.pk}-{key}": value for key, value in row.initial.items()}
        data |= {f"a-{world.other_action.pk}-progress": "75", "soumettre": "tout"}
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("indicators:quarter", args=[world.plan.pk, 2026, 3]), data)
        assert response.status_code == 302
        states = dict(ActionReview.objects.filter(period=world.open).values_list("action_id", "state"))
        expected = {world.led.pk: "validated", world.other_action.pk: "submitted"}
        expected |= {a.pk: "submitted" for a in world.actions if a not in (world.led, third, world.other_action)}
        assert states == expected
        assert ProgressUpdate.objects.get(action=world.other_action, period=world.open).progress == 75  # saved first
        (message,) = mail.outbox
        assert message.to == [coordinator.email] and "À valider" in message.subject
        assert world.other_action.title in message.body and third.title not in message.body
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("indicators:quarter", args=[world.plan.pk, 2026, 3]), {"soumettre": "tout"})
        assert response.status_code == 302
        assert len(mail.outbox) == 1  # nothing left to submit: no mail

    def test_a_reader_cannot(self, world):
        from indicators.reviews import review_submit_all

        with pytest.raises(PermissionDenied):
            review_submit_all(period=world.open, by=world.users[MemberRole.VIEWER])
        with pytest.raises(ValidationError, match="clos"):
            review_submit_all(period=world.closed, by=world.users[MemberRole.EDITOR])


class TestPage:
    def url(self, world):
        return reverse(
            "indicators:review_decide", args=[world.plan.pk, world.open.year, world.open.quarter, world.led.pk]
        )

    def test_a_decision_leaves_the_pillar_filter_as_it_was(self, client, world):
        """Issue 26: validating from the "all pillars" page comes back to it, not to the action's pillar only."""
        submit(world)
        client.force_login(world.users[MemberRole.COORDINATOR])
        quarter = reverse("indicators:quarter", args=[world.plan.pk, world.open.year, world.open.quarter])
        page = client.get(quarter, {"pillar": "all"}).content.decode()
        assert '<input type="hidden" name="pillar" value="all">' in page
        response = client.post(
            self.url(world), {"decision": "renvoyer", "reason": "Chiffre à revoir", "pillar": "all"}
        )
        assert response["Location"] == f"{quarter}?pillar=all#action-{world.led.pk}"
        submit(world)
        response = client.post(self.url(world), {"decision": "valider"})
        assert response["Location"] == f"{quarter}#action-{world.led.pk}"

    def test_the_journey_through_the_buttons(self, client, world):
        quarter = reverse("indicators:quarter", args=[world.plan.pk, world.open.year, world.open.quarter])
        client.force_login(world.users["lead"])
        response = client.get(quarter, {"pillar": "all"})
        page = response.content.decode()
        assert f'name="soumettre" value="{world.led.pk}"' in page
        # Enter in a field clicks the form's first submit button: a plain save, never a submission.
        form = page[page.index('<form method="post" novalidate class="quarter-form">') :]
        first_button = form[form.index("<button") : form.index(">", form.index("<button"))]
        assert "soumettre" not in first_button
        # What was typed is saved, then submitted, in one click.
        sheet = response.context["sheet"]
        row = next(r for r in sheet.rows if r.action.pk == world.led.pk)
        data = {f"a-{world.led.pk}-{k}": v for k, v in row.initial.items()}
        data[f"a-{world.led.pk}-progress"] = "88"
        response = client.post(quarter + "?pillar=all", {**data, "soumettre": str(world.led.pk)})
        assert response.status_code == 302 and f"#action-{world.led.pk}" in response.url
        assert ProgressUpdate.objects.get(action=world.led, period=world.open).progress == 88
        assert ActionReview.objects.get(action=world.led, period=world.open).state == ReviewState.SUBMITTED
        client.force_login(world.users[MemberRole.COORDINATOR])
        page = client.get(quarter, {"pillar": "all"}).content.decode()
        assert "Renvoyer pour correction" in page
        client.post(self.url(world), {"decision": "renvoyer", "reason": "Le\x0bchiffre est faux"})
        review = ActionReview.objects.get(action=world.led, period=world.open)
        assert (review.state, review.reason) == ("returned", "Le\nchiffre est faux")
        client.force_login(world.users["lead"])
        assert "Le\nchiffre est faux" in client.get(quarter, {"pillar": "all"}).content.decode()

    @pytest.mark.parametrize("decision", ["soumettre", "valider", "renvoyer", "rouvrir"])
    def test_a_viewer_and_an_outsider_cannot_decide(self, client, world, decision):
        submit(world)
        client.force_login(world.users[MemberRole.VIEWER])
        response = client.post(self.url(world), {"decision": decision, "reason": "x"})
        assert response.status_code in {302, 403}
        assert ActionReview.objects.get(action=world.led, period=world.open).state == ReviewState.SUBMITTED
        outsider = second_year_plan(actions=1, indicators=1).users[MemberRole.COORDINATOR]
        client.force_login(outsider)
        assert client.post(self.url(world), {"decision": decision, "reason": "x"}).status_code == 404

    def test_an_unknown_decision_or_an_action_of_another_plan(self, client, world):
        client.force_login(world.users[MemberRole.COORDINATOR])
        assert client.post(self.url(world), {"decision": "supprimer"}).status_code == 404
        other = second_year_plan(actions=1, indicators=1)
        url = reverse(
            "indicators:review_decide",
            args=[world.plan.pk, world.open.year, world.open.quarter, other.actions[0].pk],
        )
        assert client.post(url, {"decision": "soumettre"}).status_code == 404

    def test_the_members_page_names_a_validator(self, client, world):
        coordinator = world.users[MemberRole.COORDINATOR]
        client.force_login(coordinator)
        viewer = world.plan.memberships.get(user=world.users[MemberRole.VIEWER])
        client.post(
            reverse("plans:member_role", args=[world.plan.pk, viewer.pk]), {"role": "viewer", "validator": "on"}
        )
        viewer.refresh_from_db()
        assert viewer.validator and viewer.role == "viewer"
        page = client.get(reverse("plans:members", args=[world.plan.pk])).content.decode()
        assert f'id="validator-{viewer.pk}" checked' in page
        client.force_login(world.users[MemberRole.EDITOR])
        response = client.post(reverse("plans:member_role", args=[world.plan.pk, viewer.pk]), {"role": "viewer"})
        assert response.status_code == 403
        viewer.refresh_from_db()
        assert viewer.validator


def test_a_validator_of_another_plan_is_not_one_here(world):
    other = second_year_plan(actions=1, indicators=1)
    outsider = MembershipFactory(plan=other.plan, role=MemberRole.EDITOR, validator=True).user
    review = submit(world)
    with pytest.raises(PermissionDenied):
        review_validate(review=review, by=outsider)


def test_the_api_says_where_each_value_stands(client, world):
    review_validate(review=submit(world), by=world.users[MemberRole.COORDINATOR])
    client.force_login(world.users[MemberRole.VIEWER])
    rows = client.get(f"/api/v1/measurements/?period={world.open.pk}").json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    led = set(world.led.indicators.values_list("pk", flat=True))
    states = {(row["indicator"] in led, row["review_state"]) for row in rows}
    assert states == {(True, "validated"), (False, "draft")}


def test_the_quarterly_report_says_where_each_action_stands(world):
    from indicators.jobs import build_report

    review_validate(review=submit(world), by=world.users[MemberRole.COORDINATOR])
    section = build_report(world.plan, "trimestre", {"year": 2026, "quarter": 3}, today=timezone.localdate()).section(
        "actions"
    )
    column = [str(c.label) for c in section.columns].index("Validation")
    by_title = {row[2]: row[column] for row in section.rows}
    assert by_title[world.led.title] == "validé" and by_title[world.other_action.title] == "brouillon"


def test_what_is_submitted_or_validated_is_not_deleted_from_elsewhere(world):
    from indicators.services import indicator_delete, indicator_update
    from tests.indicators.factories import IndicatorFactory

    coordinator, editor = world.users[MemberRole.COORDINATOR], world.users[MemberRole.EDITOR]
    # A new action, reported only in the open quarter: no closed quarter holds it back.
    action = plan_services.action_create(plan=world.plan, by=coordinator, axis=world.led.axis, title="Action neuve")
    indicator = IndicatorFactory(action=action, label="Nombre de séances")
    quarter_save(
        period=world.open,
        by=editor,
        progress=[{"action": action, "status": "in_progress", "progress": 10, "note": "", "blockers": ""}],
        measurements=[{"indicator": indicator, "value_number": Decimal(3), "value_text": "", "comment": ""}],
    )
    review_submit(action=action, period=world.open, by=editor)
    with pytest.raises(ValidationError, match="soumis ou validés \\(T3 2026\\)"):
        indicator_delete(indicator=indicator, by=coordinator)
    with pytest.raises(ValidationError, match="soumis ou validés"):
        indicator_update(indicator=indicator, by=coordinator, unit="percentage")
    with pytest.raises(ValidationError, match="soumis ou validés"):
        plan_services.action_delete(action=action, by=coordinator)
    assert Measurement.objects.filter(indicator=indicator, period=world.open).exists()
    indicator_update(indicator=indicator, by=coordinator, label="Un autre intitulé")  # its meaning stays


def test_the_plans_history_lists_each_step(client, world):
    coordinator = world.users[MemberRole.COORDINATOR]
    review = review_return(review=submit(world), by=coordinator, reason="Valeur à vérifier")
    client.force_login(world.users[MemberRole.VIEWER])
    entries = client.get(reverse("plans:history", args=[world.plan.pk])).context["entries"]
    steps = [e for e in entries if str(e["kind"]) == "Trimestre d'une action"]
    # Issue 26: a submission reads as one, not as "création".
    assert [(e["object"], str(e["verb"])) for e in steps] == [
        (f"{world.led.title} — {world.open.label}", "renvoyé"),
        (f"{world.led.title} — {world.open.label}", "soumis pour validation"),
    ]
    assert steps[0]["user"] == coordinator and "état" in steps[0]["fields"] and review.reason


class TestPublishedValues:
    """A plan that publishes validated values only: its dashboard and share links show those, and the submitted
    ones when asked, marked."""

    @pytest.fixture
    def key(self, world):
        indicator = world.led.indicators.order_by("pk").first()
        indicator.is_key = True
        indicator.save()
        return indicator

    def shown(self, client, url, **query):
        response = client.get(url, query)
        assert response.status_code == 200
        (row,) = response.context["key_indicators"]
        return row.value, row.when, row.submitted, response

    def test_dashboard_and_share_link(self, client, world, key):
        from indicators.services import share_link_create

        coordinator = world.users[MemberRole.COORDINATOR]
        dashboard = reverse("indicators:dashboard", args=[world.plan.pk])
        _link, token = share_link_create(plan=world.plan, by=coordinator, label="Préfecture", days=30)
        shared = reverse("shared_dashboard", args=[token])
        client.force_login(world.users[MemberRole.VIEWER])
        assert self.shown(client, dashboard)[:2] == ("21", "T3 2026")  # every value, as saved
        world.plan.validated_only = True
        world.plan.save()
        value, when, _submitted, response = self.shown(client, dashboard)
        assert (value, when) == ("—", "")  # nothing validated yet
        assert "Seules les valeurs et les points d’avancement validés sont montrés" in response.text
        assert not any(c.key == "trimestres" for c in response.context["charts"])  # no progress validated
        ActionReviewFactory(action=world.led, period=world.closed, state=ReviewState.VALIDATED)
        value, when, _submitted, response = self.shown(client, dashboard)
        assert (value, when) == ("18", "T2 2026")
        assert response.context["key_indicators"][0].review_label == "validée" and ">validée</span>" in response.text
        (progress,) = [c for c in response.context["charts"] if c.key == "trimestres"]
        assert progress.categories == ["T2 2026"]  # the one validated quarter
        submit(world)
        assert self.shown(client, dashboard)[:3] == ("18", "T2 2026", False)
        value, when, submitted, response = self.shown(client, dashboard, submitted="1")
        assert (value, when, submitted) == ("21", "T3 2026", True)
        assert "soumise</span>" in response.text and "Ne montrer que les valeurs validées" in response.text
        client.logout()
        assert self.shown(client, shared)[:2] == ("18", "T2 2026")
        assert self.shown(client, shared, submitted="1")[:3] == ("21", "T3 2026", True)

    def test_the_coordinator_sets_it_on_the_frame(self, client, world):
        client.force_login(world.users[MemberRole.COORDINATOR])
        url = reverse("plans:frame", args=[world.plan.pk])
        form = client.get(url).context["form"]
        data = {name: form[name].value() or "" for name in form.fields}
        data.update(period_start="01/01/2025", period_end="31/12/2027", validated_only="on")
        response = client.post(url, data)
        assert response.status_code == 302, response.context["form"].errors
        world.plan.refresh_from_db()
        assert world.plan.validated_only


def test_the_annual_review_says_where_the_last_quarter_stands(world):
    from indicators.jobs import build_report

    review_validate(review=submit(world), by=world.users[MemberRole.COORDINATOR])
    section = build_report(world.plan, "bilan", {"year": 2026}, today=timezone.localdate()).section("actions")
    labels = [str(c.label) for c in section.columns]
    column = labels.index("Validation T4 2026")
    assert {row[column] for row in section.rows} == {"brouillon"}  # T4 2026: nothing submitted yet
    review = ActionReview.objects.get(action=world.led, period=world.open)
    ActionReviewFactory(action=world.led, period=world.plan.periods.get(year=2026, quarter=4), state="submitted")
    section = build_report(world.plan, "bilan", {"year": 2026}, today=timezone.localdate()).section("actions")
    by_title = {row[1]: row[column] for row in section.rows}
    assert by_title[world.led.title] == "soumis" and review.state == "validated"
