"""The API is scoped like the pages, and refuses silent overwrites with 409."""

import pytest

from plans.enums import MemberRole
from tests.plans.factories import ActionFactory, MembershipFactory


@pytest.fixture
def action(db):
    return ActionFactory()


def member(action, role):
    return MembershipFactory(plan=action.plan, role=role).user


@pytest.mark.django_db
class TestPlansApi:
    def test_lists_only_my_plans(self, client, action):
        other = ActionFactory()
        client.force_login(member(action, MemberRole.VIEWER))
        data = client.get("/api/v1/plans/").json()
        assert [p["id"] for p in data["results"]] == [action.plan.pk]
        assert data["results"][0]["role"] == MemberRole.VIEWER
        assert client.get(f"/api/v1/plans/{other.plan.pk}/").status_code == 404

    def test_anonymous_is_refused(self, client, action):
        response = client.get("/api/v1/plans/")
        assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")

    def test_actions_of_other_plans_are_404(self, client, action):
        other = ActionFactory()
        client.force_login(member(action, MemberRole.VIEWER))
        assert [a["id"] for a in client.get("/api/v1/actions/").json()["results"]] == [action.pk]
        assert client.get(f"/api/v1/actions/{other.pk}/").status_code == 404
        assert client.get(f"/api/v1/actions/?plan={other.plan.pk}").json()["results"] == []


@pytest.mark.django_db
class TestActionUpdateApi:
    def test_editor_updates_with_the_version_read(self, client, action):
        client.force_login(member(action, MemberRole.EDITOR))
        response = client.patch(
            f"/api/v1/actions/{action.pk}/", {"title": "Nouveau titre", "version": 1}, content_type="application/json"
        )
        assert response.status_code == 200
        assert response.json()["version"] == 2
        action.refresh_from_db()
        assert action.title == "Nouveau titre"

    def test_stale_version_is_a_409_with_the_differences(self, client, action):
        client.force_login(member(action, MemberRole.EDITOR))
        url = f"/api/v1/actions/{action.pk}/"
        client.patch(url, {"title": "Premier", "version": 1}, content_type="application/json")
        response = client.patch(url, {"title": "Second", "version": 1}, content_type="application/json")
        assert response.status_code == 409
        body = response.json()
        assert body["current_version"] == 2
        assert body["differences"] == [{"field": "intitulé", "saved": "Premier", "yours": "Second"}]
        action.refresh_from_db()
        assert action.title == "Premier"

    def test_missing_version_is_refused(self, client, action):
        client.force_login(member(action, MemberRole.EDITOR))
        response = client.patch(f"/api/v1/actions/{action.pk}/", {"title": "X"}, content_type="application/json")
        assert response.status_code == 428 and "If-Match" in response.json()["detail"]

    @pytest.mark.parametrize("role", [MemberRole.CONTRIBUTOR, MemberRole.VIEWER])
    def test_readers_cannot_update(self, client, action, role):
        client.force_login(member(action, role))
        response = client.patch(
            f"/api/v1/actions/{action.pk}/", {"title": "X", "version": 1}, content_type="application/json"
        )
        assert response.status_code == 403

    def test_bad_due_date_is_explained_in_french(self, client, action):
        client.force_login(member(action, MemberRole.EDITOR))
        response = client.patch(
            f"/api/v1/actions/{action.pk}/", {"due_date": "2040-01-01", "version": 1}, content_type="application/json"
        )
        assert response.status_code == 400
        assert "période du plan" in response.json()["due_date"][0]
