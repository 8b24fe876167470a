import factory
from factory.django import DjangoModelFactory

from indicators.enums import Frequency, IndicatorKind, Unit
from indicators.models import Indicator
from tests.plans.factories import ActionFactory


class IndicatorFactory(DjangoModelFactory):
    class Meta:
        model = Indicator

    action = factory.SubFactory(ActionFactory)
    plan = factory.LazyAttribute(lambda o: o.action.plan if o.action else None)
    kind = IndicatorKind.RESULT
    label = factory.Sequence(lambda n: f"Nombre de séances {n}")
    unit = Unit.COUNT
    frequency = Frequency.QUARTERLY

    class Params:
        context = factory.Trait(kind=IndicatorKind.CONTEXT, action=None, frequency=Frequency.YEARLY)
