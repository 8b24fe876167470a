"""Conventions: signatories among the plan's partners, dates that hold together, commitments on the plan's
actions, their states, the warnings, the pages and who may write them."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from plans.enums import MemberRole
from plans.models.conventions import Commitment, CommitmentStatus, Convention
from plans.services.conventions import (
    commitment_add,
    commitment_set_status,
    convention_save,
    convention_warnings,
)
from tests.indicators.factories import second_year_plan

TODAY = datetime.date(2026, 11, 23)


@pytest.fixture
def world(db):
    world = second_year_plan(actions=3, indicators=1)
    world.coordinator = world.users[MemberRole.COORDINATOR]
    world.partners = list(world.plan.partners.order_by("name"))
    return world


def save(world, **fields):
    values = {
        "title": "Convention de Loos 2025-2027",
        "kind": "financing",
        "signed_on": datetime.date(2025, 1, 15),
        "starts_on": datetime.date(2025, 1, 1),
        "ends_on": None,
        "duration_months": 36,
        "renewal_terms": "Reconduction expresse après bilan.",
        "parties": [(world.funder, "la cheffe de la MILDECA"), (world.partners[0], "le maire")],
    }
    values.update(fields)
    return convention_save(plan=world.plan, by=world.coordinator, **values)


class TestConventions:
    def test_three_years_from_its_start(self, world):
        convention = save(world)
        assert convention.end == datetime.date(2027, 12, 31)
        assert {(p.partner, p.signatory) for p in convention.parties.all()} == {
            (world.funder, "la cheffe de la MILDECA"),
            (world.partners[0], "le maire"),
        }

    @pytest.mark.parametrize(
        "fields, field",
        [
            ({"ends_on": datetime.date(2024, 12, 31), "duration_months": None}, "ends_on"),
            ({"ends_on": datetime.date(2027, 12, 31)}, "duration_months"),
            ({"duration_months": 0}, "duration_months"),
            ({"signed_on": datetime.date(2030, 1, 1)}, "signed_on"),
            ({"parties": []}, "parties"),
        ],
        ids=["ends-before-it-starts", "end-and-duration", "no-duration", "signed-after-its-end", "no-signatory"],
    )
    def test_dates_and_signatories_that_do_not_hold(self, world, fields, field):
        with pytest.raises(ValidationError) as refused:
            save(world, **fields)
        assert field in refused.value.message_dict
        assert not Convention.objects.exists()

    def test_a_signatory_is_a_partner_of_the_plan(self, world):
        other = second_year_plan(actions=1, indicators=1)
        stranger = next(p for p in other.plan.partners.all() if p not in world.partners)
        with pytest.raises(ValidationError, match="partenaire du plan"):
            save(world, parties=[(stranger, "")])

    def test_only_the_drafting_committee_writes(self, world):
        with pytest.raises(PermissionDenied):
            convention_save(plan=world.plan, by=world.users[MemberRole.VIEWER], title="x", parties=[])


class TestCommitments:
    def test_on_actions_of_the_plan_by_a_signatory(self, world):
        convention = save(world)
        commitment = commitment_add(
            convention=convention,
            by=world.coordinator,
            partner=world.funder,
            what="Verser 50 % en janvier, le solde à réception du bilan annuel",
            due_on=datetime.date(2026, 1, 31),
            actions=world.actions[:2],
        )
        assert set(commitment.actions.all()) == set(world.actions[:2])
        other = second_year_plan(actions=1, indicators=1)
        with pytest.raises(ValidationError, match="autre plan"):
            commitment_add(
                convention=convention, by=world.coordinator, partner=world.funder, what="x", actions=other.actions
            )
        with pytest.raises(ValidationError, match="signataire"):
            commitment_add(convention=convention, by=world.coordinator, partner=world.partners[1], what="x")

    def test_states_kept_late_not_kept(self, world):
        convention = save(world)
        commitment = commitment_add(
            convention=convention,
            by=world.coordinator,
            partner=world.funder,
            what="Bilan",
            due_on=TODAY - datetime.timedelta(days=1),
        )
        assert commitment.state(TODAY) == "late" and commitment.state_label(TODAY) == "en retard"
        commitment_set_status(commitment=commitment, by=world.coordinator, status=CommitmentStatus.KEPT, on=TODAY)
        assert commitment.state(TODAY) == "kept" and commitment.status_on == TODAY
        commitment_set_status(commitment=commitment, by=world.coordinator, status=CommitmentStatus.NOT_KEPT, on=TODAY)
        assert commitment.state_label(TODAY) == "non tenu"
        with pytest.raises(ValidationError):
            commitment_set_status(commitment=commitment, by=world.coordinator, status="peut-être")

    def test_a_party_with_commitments_stays_a_signatory(self, world):
        convention = save(world)
        commitment_add(convention=convention, by=world.coordinator, partner=world.funder, what="Financer")
        with pytest.raises(ValidationError, match="a des engagements"):
            save(world, convention=convention, parties=[(world.partners[0], "le maire")])

    def test_warnings(self, world):
        ending = save(world, duration_months=None, ends_on=TODAY + datetime.timedelta(days=60))
        commitment_add(
            convention=ending,
            by=world.coordinator,
            partner=world.funder,
            what="Bilan",
            due_on=TODAY - datetime.timedelta(days=3),
        )
        save(world, title="Charte des partenaires", duration_months=None, ends_on=TODAY + datetime.timedelta(days=200))
        warnings = convention_warnings(plan=world.plan, today=TODAY)
        assert len(warnings) == 2
        assert "prend fin le 22/01/2027" in warnings[0] and "1 engagement a passé son échéance" in warnings[1]


class TestPages:
    def test_create_then_commit_then_mark_kept(self, client, world):
        client.force_login(world.users[MemberRole.EDITOR])
        url = reverse("plans:conventions", args=[world.plan.pk])
        data = {
            "title": "Convention de partenariat",
            "kind": "partnership",
            "starts_on": "01/01/2026",
            "ends_on": "31/12/2026",
            f"party_{world.funder.pk}": "on",
            f"signatory_{world.funder.pk}": "la cheffe de la MILDECA",
        }
        response = client.post(url, data | {"ends_on": "31/12/2025"})
        assert response.status_code == 400 and "La fin précède le début" in response.text
        assert 'value="Convention de partenariat"' in response.text  # what was typed stays
        assert client.post(url, data).status_code == 302
        convention = Convention.objects.get()
        add = reverse("plans:commitment_add", args=[world.plan.pk, convention.pk])
        body = {
            f"c{convention.pk}-partner": world.funder.pk,
            f"c{convention.pk}-what": "Mettre un local à disposition",
        }
        body[f"c{convention.pk}-actions"] = [world.actions[0].pk]
        assert client.post(add, body).status_code == 302
        commitment = Commitment.objects.get()
        status = reverse("plans:commitment_status", args=[world.plan.pk, commitment.pk])
        assert client.post(status, {"status": "kept"}).status_code == 302
        commitment.refresh_from_db()
        assert commitment.status == "kept"
        page = client.get(url)
        assert "Mettre un local à disposition" in page.text and "tenu" in page.text
        action = client.get(reverse("plans:action_detail", args=[world.plan.pk, world.actions[0].pk]))
        assert "Mettre un local à disposition" in action.text

    def test_readers_read_and_cannot_write(self, client, world):
        convention = save(world)
        client.force_login(world.users[MemberRole.VIEWER])
        url = reverse("plans:conventions", args=[world.plan.pk])
        page = client.get(url)
        assert page.status_code == 200 and convention.title in page.text and page.context["form"] is None
        assert client.post(url, {"title": "x"}).status_code == 403
        edit = reverse("plans:convention_edit", args=[world.plan.pk, convention.pk])
        assert client.get(edit).status_code == 403
        outsider = second_year_plan(actions=1, indicators=1).users[MemberRole.COORDINATOR]
        client.force_login(outsider)
        assert client.get(url).status_code == 404 and client.get(edit).status_code == 404


class TestElsewhere:
    def test_the_signed_document_the_warnings_and_the_annual_review(self, client, world):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from indicators.jobs import build_report

        convention = save(world, duration_months=None, ends_on=datetime.date(2027, 1, 15))
        commitment_add(
            convention=convention,
            by=world.coordinator,
            partner=world.funder,
            what="Verser le solde à réception du bilan",
            due_on=datetime.date(2026, 3, 31),
        )
        client.force_login(world.coordinator)
        url = reverse("indicators:convention_evidence", args=[world.plan.pk, convention.pk])
        upload = SimpleUploadedFile("convention signée.pdf", b"%PDF-1.7\n%%EOF\n")
        assert client.post(url, {"target": "convention", "file": upload}).status_code == 302
        assert convention.evidence.get().name == "convention signée.pdf"
        from unittest import mock

        with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
            budget = client.get(reverse("plans:budget", args=[world.plan.pk])).text
            dashboard = client.get(reverse("indicators:dashboard", args=[world.plan.pk])).text
        for page in (budget, dashboard):
            assert "prend fin le 15/01/2027" in page and "1 engagement a passé son échéance" in page
        section = build_report(world.plan, "bilan", {"year": 2026}, today=timezone.localdate()).section("engagements")
        assert section.rows == [
            [
                convention.title,
                world.funder.short_name,
                "Verser le solde à réception du bilan",
                datetime.date(2026, 3, 31),
                "en retard",
            ]
        ]
        client.force_login(world.users[MemberRole.VIEWER])
        assert client.post(url, {"target": "convention", "file": upload}).status_code == 403


class TestBalanceAfterTheReview:
    def test_sending_the_review_dates_the_balance_which_then_falls_due(self, client, world):
        from unittest import mock

        from plans.models import FundingInstalment

        balance = world.funding.instalments.get(received_on=None)
        balance.expected_on, balance.after_review_year, balance.after_review_days = None, 2025, 30
        balance.full_clean()
        balance.save()
        url = reverse("indicators:report_annual_send", args=[world.plan.pk, 2025])
        client.force_login(world.users[MemberRole.VIEWER])
        assert client.post(url, {"recipients": [world.funder.pk], "sent_on": "15/03/2026"}).status_code == 403
        client.force_login(world.coordinator)
        refused = client.post(url, {"recipients": [], "sent_on": "15/03/2030"})
        assert refused.status_code == 400 and "Cochez au moins" in refused.text
        response = client.post(url, {"recipients": [world.funder.pk], "sent_on": "15/03/2026"})
        assert response.status_code == 302
        sending = world.plan.review_sendings.get()
        assert sending.released == 1 and list(sending.recipients.all()) == [world.funder]
        balance.refresh_from_db()
        assert balance.expected_on == datetime.date(2026, 4, 14)
        with sending.file.open("rb") as stored:
            assert stored.read().startswith(b"%PDF")
        client.force_login(world.users[MemberRole.VIEWER])
        download = client.get(reverse("indicators:review_sending_file", args=[world.plan.pk, sending.pk]))
        assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
        page = client.get(reverse("indicators:report_annual", args=[world.plan.pk, 2025]))
        assert "Envoyé le 15/03/2026" in page.text and page.context["send_form"] is None
        with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2026, 5, 2)):
            budget = client.get(reverse("plans:budget", args=[world.plan.pk])).text
        assert "attendus le 14/04/2026 ne sont pas reçus" in budget
        assert FundingInstalment.objects.filter(expected_on=None).count() == 0

    def test_a_condition_that_cannot_happen_is_refused(self, world):
        from plans.services import funding_update

        items = [
            {"id": i.pk, "amount": i.amount, "expected_on": i.expected_on, "received_on": i.received_on,
             "after_review_year": None, "after_review_days": 30}
            for i in world.funding.instalments.order_by("pk")
        ]  # fmt: skip
        items[1] |= {"expected_on": None, "after_review_year": 2031}
        with pytest.raises(ValidationError, match="ne sera jamais envoyé"):
            funding_update(funding=world.funding, by=world.coordinator, instalments=items)
