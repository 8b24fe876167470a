"""Numbers, money, shares and dates: one set of helpers per language, for pages, PDFs and spreadsheets."""

import datetime
import random
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from core import formats

NBSP = "\u00a0"


class TestNumbers:
    def test_thousands_are_grouped_and_decimals_shown_only_where_there_are_some(self):
        assert formats.number(1500) == f"1{NBSP}500"
        assert formats.number(Decimal("1500.00")) == f"1{NBSP}500"
        assert formats.number(Decimal("12.50")) == "12,5"
        assert formats.number(Decimal("0.25")) == "0,25"
        assert formats.number(None) == "—"
        assert formats.count(Decimal("6.00")) == "6"

    def test_every_unit_says_what_it_is(self):
        assert formats.measure(Decimal("12.5"), "percentage") == f"12,5{NBSP}%"
        assert formats.measure(Decimal("1500"), "count") == f"1{NBSP}500"
        assert formats.measure(Decimal("24609.6"), "euros") == f"24{NBSP}609,60{NBSP}€"
        assert formats.measure(Decimal("1"), "yes_no") == "oui"
        assert formats.measure("", "text") == "—"

    def test_huge_values_do_not_fail(self):
        assert formats.number(Decimal("1e30")).startswith("1\u00a0000")
        assert formats.number(Decimal("1e20")) == "100\u00a0000\u00a0000\u00a0000\u00a0000\u00a0000\u00a0000"

    def test_nan_infinity_and_garbage_are_a_dash_not_an_error(self):
        for bad in ("NaN", Decimal("Infinity"), "abc", float("nan")):
            assert formats.number(bad) == "—"
            assert formats.euros(bad) == "—"

    def test_english(self):
        with translation.override("en"):
            assert formats.number(Decimal("1500.5")) == "1,500.5"
            assert formats.euros(12500) == f"12,500.00{NBSP}€"


class TestShares:
    def test_the_review_case_adds_up_to_100(self):
        """78 % + 21 % under a total of 100 %: 21.7 % was truncated."""
        assert formats.shares([Decimal("96198"), Decimal("26802")]) == [78, 22]
        assert formats.shares([1, 1, 1]) == [34, 33, 33]

    def test_any_split_adds_up_to_100(self):
        generator = random.Random(7)
        for _round in range(300):
            parts = [Decimal(generator.randint(0, 100000)) / 100 for _ in range(generator.randint(1, 9))]
            result = formats.shares(parts)
            if sum(parts):
                assert sum(result) == 100
                exact = [p * 100 / sum(parts) for p in parts]
                assert all(abs(r - e) < 1 for r, e in zip(result, exact, strict=True))
            else:
                assert result == [None] * len(parts)

    def test_rate(self):
        assert formats.rate(1, 4) == 25
        assert formats.rate(1, 0) is None
        assert formats.percent(1, 3) == f"33{NBSP}%"


class TestDates:
    def test_one_format_per_language_day_first(self):
        day = datetime.date(2026, 4, 19)
        for language in ("fr", "en"):
            with translation.override(language):
                assert formats.short_date(day) == "19/04/2026"
                rendered = Template('{{ d|date:"SHORT_DATE_FORMAT" }} {{ d|date:"SHORT_DATETIME_FORMAT" }}').render(
                    Context({"d": datetime.datetime(2026, 4, 19, 9, 5)})
                )
                assert rendered == "19/04/2026 19/04/2026 09:05"

    def test_a_due_month_reads_as_a_month(self):
        with translation.override("fr"):
            assert formats.due(datetime.date(2025, 8, 31)) == "août 2025"
            assert formats.due(datetime.date(2025, 8, 7)) == "07/08/2025"
            assert formats.due(None) == "—"
        with translation.override("en"):
            assert formats.due(datetime.date(2025, 8, 31)) == "August 2025"


class TestWords:
    @pytest.mark.parametrize(
        ("counts", "french", "english"),
        [
            ((0, 1, 0), "0 pilier, 1 axe et 0 action", "0 pillars, 1 axis and 0 actions"),
            ((2, 3, 9), "2 piliers, 3 axes et 9 actions", "2 pillars, 3 axes and 9 actions"),
            ((1, 1, 1), "1 pilier, 1 axe et 1 action", "1 pillar, 1 axis and 1 action"),
        ],
    )
    def test_each_count_takes_its_own_plural(self, counts, french, english):
        with translation.override("fr"):
            assert formats.structure(*counts) == french
        with translation.override("en"):
            assert formats.structure(*counts) == english

    def test_french_zero_is_singular_in_templates_too(self):
        template = Template(
            "{% load i18n %}{% blocktranslate count n=n %}Tous les piliers ({{ n }} action){% plural %}"
            "Tous les piliers ({{ n }} actions){% endblocktranslate %}"
        )
        with translation.override("fr"):
            assert template.render(Context({"n": 0})) == "Tous les piliers (0 action)"
            assert template.render(Context({"n": 2})) == "Tous les piliers (2 actions)"
