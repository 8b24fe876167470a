"""Reminders: each rule on a fixed day, the daily digest (once a day, whatever the runs), the preferences, the
unsubscribe link, and a mail server that fails for one address."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from indicators.models import DigestSent, ProgressUpdate
from indicators.notices import notices_for, send_digests
from indicators.services import quarter_close
from partners.tokens import unsubscribe_token
from plans import services as plan_services
from plans.enums import MemberRole
from plans.services.conventions import convention_save
from tests.indicators.factories import second_year_plan


@pytest.fixture
def world(db):
    world = second_year_plan(actions=3, indicators=1)
    world.lead = world.users["lead"]
    world.led = next(a for a in world.actions if a.lead_id == world.lead.partner_id)
    world.coordinator = world.users[MemberRole.COORDINATOR]
    return world


def kinds(notices, user):
    return sorted(n.kind for n in notices.get(user.pk, []))


def texts(notices, user):
    return [n.text for n in notices.get(user.pk, [])]


class TestRules:
    def test_a_quarter_opens_for_reporting_the_day_after_it_ends(self, world):
        notices = notices_for(datetime.date(2026, 10, 1))
        assert "Le T3 2026 est ouvert à la saisie." in texts(notices, world.lead)
        assert "quarter_open" in kinds(notices, world.users[MemberRole.EDITOR])
        assert "quarter_open" not in kinds(notices, world.users[MemberRole.VIEWER])  # readers report nothing
        assert "quarter_open" not in kinds(notices_for(datetime.date(2026, 10, 2)), world.lead)  # once

    def test_the_deadline_in_7_days_for_who_still_has_something_to_fill(self, world):
        day = datetime.date(2026, 10, 8)  # T3 ends 30/09; 15 days to report: deadline 15/10
        assert "deadline" not in kinds(notices_for(day), world.lead)  # everything is in
        ProgressUpdate.objects.filter(action=world.led, period=world.open).delete()
        notices = notices_for(day)
        assert texts(notices, world.lead) == ["Le T3 2026 est à renseigner avant le 15/10/2026 : 1 élément manque."]
        assert "deadline" in kinds(notices, world.coordinator)
        world.plan.reporting_deadline_days = 30
        world.plan.save()
        assert "deadline" not in kinds(notices_for(day), world.lead)
        assert "deadline" in kinds(notices_for(datetime.date(2026, 10, 23)), world.lead)

    def test_an_action_due_in_30_days_or_late_since_yesterday(self, world):
        world.led.due_date = datetime.date(2026, 12, 1)
        world.led.save()
        assert "arrive à échéance le 01/12/2026" in texts(notices_for(datetime.date(2026, 11, 1)), world.lead)[0]
        assert "est en retard" in texts(notices_for(datetime.date(2026, 12, 2)), world.lead)[0]
        assert "action_due" not in kinds(notices_for(datetime.date(2026, 12, 3)), world.lead)

    def test_a_new_lead_and_a_closed_quarter_the_next_day(self, world):
        other = next(a for a in world.actions if a.lead_id != world.lead.partner_id)
        other.refresh_from_db()
        plan_services.action_update(
            action=other, by=world.coordinator, expected_version=other.version, lead=world.lead.partner
        )
        quarter_close(period=world.open, by=world.coordinator)
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        notices = notices_for(tomorrow)
        assert f"Votre organisation pilote désormais « {other.title} »." in texts(notices, world.lead)
        assert "Le T3 2026 a été clos." in texts(notices, world.users[MemberRole.VIEWER])
        assert "lead" not in kinds(notices_for(tomorrow + datetime.timedelta(days=1)), world.lead)

    def test_conventions_for_the_coordinators(self, world):
        today = datetime.date(2026, 10, 2)
        convention_save(
            plan=world.plan,
            by=world.coordinator,
            title="Convention MILDECA",
            kind="financing",
            starts_on=datetime.date(2025, 1, 1),
            ends_on=today + datetime.timedelta(days=90),
            parties=[(world.funder, "")],
        )
        notices = notices_for(today)
        assert "La convention « Convention MILDECA » prend fin dans 90 jours." in texts(notices, world.coordinator)
        assert "convention" not in kinds(notices, world.users[MemberRole.EDITOR])

    def test_someone_who_left_the_plan_is_not_reminded(self, world):
        membership = world.plan.memberships.get(user=world.lead)
        plan_services.member_remove(membership=membership, by=world.coordinator)
        assert world.lead.pk not in notices_for(datetime.date(2026, 10, 1))


class TestDigest:
    DAY = datetime.date(2026, 10, 1)

    def test_one_mail_per_person_once_a_day(self, world):
        counts = send_digests(today=self.DAY, base_url="https://plans.example.org")
        recipients = sorted(m.to[0] for m in mail.outbox)
        assert counts["sent"] == len(mail.outbox) == len(recipients) == len(set(recipients))
        message = next(m for m in mail.outbox if m.to == [world.lead.email])
        assert "Le T3 2026 est ouvert à la saisie." in message.body
        assert f"https://plans.example.org/plans/{world.plan.pk}/suivi/2026/T3/" in message.body
        assert "https://plans.example.org/compte/desabonnement/" in message.body
        again = send_digests(today=self.DAY)
        assert again["sent"] == 0 and len(mail.outbox) == counts["sent"]  # nothing twice
        assert DigestSent.objects.filter(day=self.DAY).count() == counts["sent"]

    def test_preferences_and_the_unsubscribe_link(self, client, world):
        client.force_login(world.lead)
        assert client.post(reverse("notices"), {"kinds": ["deadline"]}).status_code == 302
        world.lead.refresh_from_db()
        assert "quarter_open" in world.lead.notices_off and "deadline" not in world.lead.notices_off
        send_digests(today=self.DAY)
        assert world.lead.email not in [m.to[0] for m in mail.outbox]
        client.logout()
        url = reverse("unsubscribe", args=[unsubscribe_token(world.coordinator)])
        page = client.get(url)
        assert page.status_code == 200 and "Ne plus recevoir ces courriels" in page.text
        world.coordinator.refresh_from_db()
        assert world.coordinator.notices_off == []  # a GET changes nothing
        assert client.post(url).status_code == 200
        world.coordinator.refresh_from_db()
        assert len(world.coordinator.notices_off) == 6
        assert client.get(reverse("unsubscribe", args=["faux-jeton"])).status_code == 404

    def test_a_failing_address_is_logged_and_the_others_go_out(self, world, caplog):
        from django.core.mail import send_mail as real_send_mail

        def flaky(*args, recipient_list, **kwargs):
            if recipient_list == [world.lead.email]:
                raise ConnectionRefusedError("serveur de courriel injoignable")
            return real_send_mail(*args, recipient_list=recipient_list, **kwargs)

        with mock.patch("indicators.notices.send_mail", side_effect=flaky):
            counts = send_digests(today=self.DAY)
        assert counts["failed"] == 1 and counts["sent"] >= 3
        assert "could not be sent" in caplog.text
        assert not DigestSent.objects.filter(user=world.lead, day=self.DAY).exists()
        sent_before = len(mail.outbox)
        retried = send_digests(today=self.DAY)  # the mail server is back: only the one that failed goes
        assert retried["sent"] == 1 and [m.to for m in mail.outbox[sent_before:]] == [[world.lead.email]]

    def test_the_daily_command(self, world):
        from io import StringIO

        out = StringIO()
        call_command("send_digests", "--now", "--date", "2026-10-01", stdout=out)
        assert "digest(s) sent" in out.getvalue() and mail.outbox
        with pytest.raises(CommandError, match="AAAA-MM-JJ"):
            call_command("send_digests", "--date", "01/10/2026")
