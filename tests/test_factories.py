"""Issue 29: a factory for every model of the three apps, with traits for the usual states, each building a row
its model's own checks accept (full_clean), so that tests say what they need instead of `objects.create`."""

import importlib
import inspect

import pytest
from django.apps import apps
from factory.django import DjangoModelFactory

MODULES = ["tests.partners.factories", "tests.plans.factories", "tests.indicators.factories"]


def _factories():
    found = {}
    for name in MODULES:
        for _name, value in inspect.getmembers(importlib.import_module(name), inspect.isclass):
            if issubclass(value, DjangoModelFactory) and value is not DjangoModelFactory:
                found[value._meta.get_model_class()] = value
    return found


def _models():
    return [
        model
        for label in ("partners", "plans", "indicators")
        for model in apps.get_app_config(label).get_models()
        if not model.__name__.startswith("Historical")
    ]


def test_every_model_has_a_factory():
    missing = sorted(model.__name__ for model in _models() if model not in _factories())
    assert not missing


TRAITS = [
    ("ReportingPeriodFactory", {"closed": True}),
    ("ProgressUpdateFactory", {"done": True}),
    ("ActionReviewFactory", {"submitted": True}),
    ("ActionReviewFactory", {"validated": True}),
    ("ActionReviewFactory", {"returned": True}),
    ("ConventionFactory", {"with_party": True}),
    ("DimensionFactory", {"categories": ["Mineurs", "Majeurs"]}),
    ("TerritoryFactory", {"belgian": True}),
]


@pytest.mark.django_db
@pytest.mark.parametrize("model", _models(), ids=lambda model: model.__name__)
def test_each_factory_builds_a_valid_row(model):
    made = _factories()[model]()
    made.full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize(("factory_name", "traits"), TRAITS, ids=[f"{n}-{next(iter(t))}" for n, t in TRAITS])
def test_the_usual_states(factory_name, traits):
    factory_class = next(f for f in _factories().values() if f.__name__ == factory_name)
    made = factory_class(**traits)
    made.full_clean()
    if factory_name == "ActionReviewFactory":
        assert made.state == next(iter(traits)) and made.submitted_by is not None
    if factory_name == "ConventionFactory":
        assert made.parties.count() == 1 and made.commitments.count() == 1
    if factory_name == "DimensionFactory":
        assert list(made.categories.order_by("order").values_list("label", flat=True)) == ["Mineurs", "Majeurs"]
