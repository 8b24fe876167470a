import pytest

from plans.enums import MemberRole
from tests.partners.factories import UserFactory
from tests.plans.factories import ActionFactory, AxisFactory, MembershipFactory, PillarFactory, PlanFactory

ROLES = [MemberRole.COORDINATOR, MemberRole.EDITOR, MemberRole.CONTRIBUTOR, MemberRole.VIEWER]


class World:
    """A plan with one member per role, and another territory's plan with its own member (the outsider)."""

    def __init__(self):
        self.plan = PlanFactory()
        self.pillar = PillarFactory(plan=self.plan)
        self.empty_pillar = PillarFactory(plan=self.plan)
        self.axis = AxisFactory(pillar=self.pillar)
        self.empty_axis = AxisFactory(pillar=self.pillar)
        self.action = ActionFactory(axis=self.axis)
        self.plan.partners.add(self.action.lead)
        self.users = {role: MembershipFactory(plan=self.plan, role=role).user for role in ROLES}
        self.other_plan = PlanFactory(territory__belgian=True)
        self.outsider = MembershipFactory(plan=self.other_plan, role=MemberRole.COORDINATOR).user
        self.users["outsider"] = self.outsider
        self.nobody = UserFactory()

    def user(self, role):
        return self.users[role]


@pytest.fixture
def world(db):
    return World()
