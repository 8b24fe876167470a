from django.urls import path

from plans.views import actions, history, plans, structure

app_name = "plans"

urlpatterns = [
    path("nouveau/", plans.plan_create, name="create"),
    path("<int:pk>/", plans.plan_detail, name="detail"),
    path("<int:pk>/cadre/", plans.plan_frame, name="frame"),
    path("<int:pk>/partenaires/", plans.plan_partners, name="partners"),
    path("<int:pk>/partenaires/<int:partner_pk>/retirer/", plans.plan_partner_remove, name="partner_remove"),
    path("<int:pk>/membres/", plans.plan_members, name="members"),
    path("<int:pk>/membres/<int:membership_pk>/role/", plans.plan_member_role, name="member_role"),
    path("<int:pk>/membres/<int:membership_pk>/retirer/", plans.plan_member_remove, name="member_remove"),
    path("<int:pk>/structure/", structure.structure, name="structure"),
    path("<int:pk>/structure/piliers/", structure.pillar_create, name="pillar_create"),
    path("<int:pk>/structure/piliers/<int:pillar_pk>/", structure.pillar_edit, name="pillar_edit"),
    path("<int:pk>/structure/piliers/<int:pillar_pk>/supprimer/", structure.pillar_delete, name="pillar_delete"),
    path("<int:pk>/structure/piliers/<int:pillar_pk>/deplacer/", structure.pillar_move, name="pillar_move"),
    path("<int:pk>/structure/axes/", structure.axis_create, name="axis_create"),
    path("<int:pk>/structure/axes/<int:axis_pk>/", structure.axis_edit, name="axis_edit"),
    path("<int:pk>/structure/axes/<int:axis_pk>/supprimer/", structure.axis_delete, name="axis_delete"),
    path("<int:pk>/structure/axes/<int:axis_pk>/deplacer/", structure.axis_move, name="axis_move"),
    path("<int:pk>/actions/", actions.action_list, name="actions"),
    path("<int:pk>/actions/nouvelle/", actions.action_create, name="action_create"),
    path("<int:pk>/actions/catalogue/", actions.catalogue, name="catalogue"),
    path("<int:pk>/actions/<int:action_pk>/", actions.action_detail, name="action_detail"),
    path("<int:pk>/actions/<int:action_pk>/modifier/", actions.action_edit, name="action_edit"),
    path("<int:pk>/actions/<int:action_pk>/dupliquer/", actions.action_duplicate, name="action_duplicate"),
    path("<int:pk>/actions/<int:action_pk>/deplacer/", actions.action_move, name="action_move"),
    path("<int:pk>/actions/<int:action_pk>/supprimer/", actions.action_delete, name="action_delete"),
    path("<int:pk>/relecture/", plans.plan_review, name="review"),
    path("<int:pk>/adoption/", plans.plan_adopt, name="adopt"),
    path("<int:pk>/reunions/", plans.plan_meetings, name="meetings"),
    path("<int:pk>/statut/", plans.plan_status, name="status"),
    path("<int:pk>/historique/", history.plan_history, name="history"),
]
