"""Time every export of a big plan: `python manage.py benchmark_exports --actions 400 --indicators 4`.

The plan is built inside a transaction that is rolled back: nothing stays in the database.
"""

import datetime
import time
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import translation

from indicators import exports
from indicators.models import Indicator, Measurement, ProgressUpdate
from indicators.reports import annual_review, quarter_report, suivi_table
from partners.enums import PartnerKind
from partners.models import Partner, User
from plans.enums import ActionStatus, PillarKind
from plans.models import Action, Axis, BudgetLine, Pillar
from plans.services import plan_create, reporting_periods_sync, territory_get_or_create


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Build a large plan in a rolled-back transaction and time every report in every format."

    def add_arguments(self, parser):
        parser.add_argument("--actions", type=int, default=400)
        parser.add_argument("--indicators", type=int, default=4, help="indicators per action")

    def handle(self, *args, actions, indicators, **options):
        translation.activate("fr")
        results = []
        try:
            with transaction.atomic():
                plan, period = self._build(actions, indicators)
                builders = [
                    ("trimestre", lambda: quarter_report(plan, period)),
                    ("bilan", lambda: annual_review(plan, period.year)),
                    ("suivi", lambda: suivi_table(plan)),
                ]
                for name, build in builders:
                    started = time.perf_counter()
                    report = build()
                    built = time.perf_counter() - started
                    for fmt in ["ods", "xlsx", "csv", "csv-opendata", "pdf"]:
                        started = time.perf_counter()
                        main = report.section("actions") or report.section("suivi")
                        body = exports.render(report, fmt, section=main, base_url="http://localhost/")
                        results.append((name, fmt, built + time.perf_counter() - started, len(body)))
                        self.stdout.write(
                            f"{name:<10} {fmt:<13} {results[-1][2]:>8.2f} s {len(body) / 1024:>8.0f} KiB"
                        )
                raise Rollback
        except Rollback:
            pass
        slowest = max(results, key=lambda r: r[2]) if results else None
        if slowest:
            self.stdout.write(
                f"Slowest: {slowest[0]} {slowest[1]} in {slowest[2]:.2f} s "
                f"({actions} actions × {indicators} indicators)."
            )

    def _build(self, n_actions, n_indicators):
        partner, _ = Partner.objects.get_or_create(name="Banc d'essai", kind=PartnerKind.OTHER)
        user, _ = User.objects.get_or_create(email="benchmark@exemple.invalid", defaults={"partner": partner})
        territory = territory_get_or_create(
            name="Commune d'essai", kind="commune", country="FR", official_code="00000", population=60_000
        )
        plan = plan_create(
            by=user,
            territory=territory,
            title="Plan de mesure",
            period_start=datetime.date(2026, 1, 1),
            period_end=datetime.date(2027, 12, 31),
        )
        plan.partners.add(partner)
        reporting_periods_sync(plan=plan)
        pillars = [
            Pillar.objects.create(plan=plan, kind=kind, name=kind.label, order=i) for i, kind in enumerate(PillarKind)
        ]
        axes = [Axis.objects.create(pillar=p, number=n, name=f"Axe {n} de {p.name}") for p in pillars for n in (1, 2)]
        actions = Action.objects.bulk_create(
            Action(
                plan=plan,
                axis=axes[i % len(axes)],
                title=f"Action n°{i} de prévention et de coordination",
                summary="Une description de quelques lignes, comme les plans en contiennent. " * 2,
                lead=partner,
                due_date=datetime.date(2027, 6, 30),
                status=ActionStatus.IN_PROGRESS,
                progress=i % 100,
                order=i,
            )
            for i in range(n_actions)
        )
        indicators = Indicator.objects.bulk_create(
            Indicator(plan=plan, action=a, label=f"Indicateur {k} de l'action {a.pk}", target_value=Decimal(50))
            for a in actions
            for k in range(n_indicators)
        )
        period = plan.periods.get(year=2026, quarter=2)
        Measurement.objects.bulk_create(
            Measurement(indicator=i, period=period, value_number=Decimal(i.pk % 80), entered_by=user)
            for i in indicators
        )
        ProgressUpdate.objects.bulk_create(
            ProgressUpdate(
                action=a, period=period, status=a.status, progress=a.progress, note="Point d'étape.", entered_by=user
            )
            for a in actions
        )
        BudgetLine.objects.bulk_create(
            BudgetLine(
                plan=plan, action=a, funder=partner, year=2026, nature="operating", planned_amount=Decimal(1000)
            )
            for a in actions
        )
        return plan, period
