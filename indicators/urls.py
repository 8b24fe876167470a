from django.urls import path

from indicators import views

app_name = "indicators"

urlpatterns = [
    path("<int:pk>/indicateurs/", views.plan_indicators, name="plan_indicators"),
    path("<int:pk>/indicateurs/suggestions/", views.accept_suggestions, name="accept_suggestions"),
    path("<int:pk>/indicateurs/nouveau/", views.indicator_create, name="indicator_create"),
    path("<int:pk>/indicateurs/<int:indicator_pk>/modifier/", views.indicator_edit, name="indicator_edit"),
    path("<int:pk>/indicateurs/<int:indicator_pk>/supprimer/", views.indicator_delete, name="indicator_delete"),
]
