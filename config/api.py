"""The API router: each app registers its viewsets here (see <app>/api.py)."""

from rest_framework.routers import DefaultRouter

router = DefaultRouter()
