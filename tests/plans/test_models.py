"""Rules about one row: periods, adoption records, due dates, lateness."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from plans.enums import ActionStatus, PlanStatus
from plans.forms import MonthOrDateField, normalize_french_number
from plans.models import Action, Territory
from tests.plans.factories import ActionFactory, PlanFactory


@pytest.mark.django_db
class TestPlanRules:
    def test_period_end_must_follow_start_in_the_database_too(self):
        plan = PlanFactory()
        plan.period_end = plan.period_start
        with pytest.raises(ValidationError, match="postérieure à son début"):
            plan.full_clean()
        with pytest.raises(IntegrityError), transaction.atomic():
            plan.save()

    def test_adopted_plan_cannot_lose_its_adoption_record(self):
        plan = PlanFactory(adopted=True)
        assert plan.status == PlanStatus.ADOPTED
        plan.adopted_on = None
        with pytest.raises(ValidationError, match="garder sa date et sa réunion"):
            plan.full_clean()
        with pytest.raises(IntegrityError), transaction.atomic():
            plan.save()

    def test_adoption_meeting_cannot_be_deleted(self):
        from django.db.models import ProtectedError

        plan = PlanFactory(adopted=True)
        with pytest.raises(ProtectedError):
            plan.adopted_meeting.delete()

    def test_size_class_from_population(self):
        assert Territory.size_class_for(4_000) == "small"
        assert Territory.size_class_for(30_000) == "medium"
        assert Territory.size_class_for(120_000) == "large"

    def test_belgian_territory_uses_brussels_time(self):
        plan = PlanFactory(territory__belgian=True)
        assert str(plan.territory.timezone) == "Europe/Brussels"


@pytest.mark.django_db
class TestActionRules:
    def test_due_date_must_lie_within_the_plan(self):
        action = ActionFactory(due_date=datetime.date(2040, 1, 1))
        with pytest.raises(ValidationError) as error:
            action.full_clean()
        assert "période du plan" in str(error.value.message_dict["due_date"])

    def test_axis_of_another_plan_is_refused(self):
        action = ActionFactory()
        other = ActionFactory()
        action.axis = other.axis
        with pytest.raises(ValidationError, match="autre plan"):
            action.full_clean()

    def test_late_is_computed_from_due_date_and_status(self):
        today = datetime.date(2027, 7, 1)
        late = ActionFactory(due_date=datetime.date(2027, 6, 30), status=ActionStatus.IN_PROGRESS)
        done = ActionFactory(due_date=datetime.date(2027, 6, 30), status=ActionStatus.DONE)
        abandoned = ActionFactory(due_date=datetime.date(2027, 6, 30), status=ActionStatus.ABANDONED)
        future = ActionFactory(due_date=datetime.date(2027, 7, 2))
        assert late.is_late(today) and not done.is_late(today) and not abandoned.is_late(today)
        assert not future.is_late(today)
        assert list(Action.objects.late(today)) == [late]


class TestFrenchInput:
    @pytest.mark.parametrize(
        ("typed", "number"),
        [
            ("12 500,50", "12500.50"),
            ("12 500 €", "12500"),
            ("12.500,50", "12500.50"),
            ("45 %", "45"),
            ("-3,5", "-3.5"),
        ],
    )
    def test_numbers_typed_the_french_way(self, typed, number):
        assert normalize_french_number(typed) == number

    @pytest.mark.parametrize(
        ("typed", "date"),
        [
            ("06/2026", datetime.date(2026, 6, 30)),
            ("2026-02", datetime.date(2026, 2, 28)),
            ("15/03/2026", datetime.date(2026, 3, 15)),
        ],
    )
    def test_due_dates_as_months_or_days(self, typed, date):
        assert MonthOrDateField().clean(typed) == date

    def test_bad_month_is_explained(self):
        with pytest.raises(ValidationError, match="MM/AAAA"):
            MonthOrDateField().clean("13/2026")


@pytest.mark.django_db
def test_up_to_before_and_after_a_quarter_are_said_once():
    """Issue 29: "up to / before / after a quarter" was written six times; plans.models.periods says it once."""
    from plans import services
    from plans.models import ReportingPeriod, periods

    plan = PlanFactory(period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2026, 12, 31))
    services.reporting_periods_sync(plan=plan)
    t3 = ReportingPeriod.objects.get(plan=plan, year=2025, quarter=3)

    def labels(q):
        return [p.label for p in plan.periods.filter(q).order_by("year", "quarter")]

    assert labels(periods.up_to(t3, prefix="")) == ["T1 2025", "T2 2025", "T3 2025"]
    assert labels(periods.before(t3, prefix="")) == ["T1 2025", "T2 2025"]
    assert labels(periods.after(t3, prefix="")) == ["T4 2025", "T1 2026", "T2 2026", "T3 2026", "T4 2026"]
    assert [p.label for p in plan.periods.up_to(t3)] == labels(periods.up_to(t3, prefix=""))
