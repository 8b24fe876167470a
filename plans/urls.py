from django.urls import path

from plans.views import actions, budget, conventions, history, plans, structure

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
    path("<int:pk>/calendrier/", actions.timeline, name="timeline"),
    path("<int:pk>/actions/<int:action_pk>/", actions.action_detail, name="action_detail"),
    path("<int:pk>/actions/<int:action_pk>/modifier/", actions.action_edit, name="action_edit"),
    path("<int:pk>/actions/<int:action_pk>/dupliquer/", actions.action_duplicate, name="action_duplicate"),
    path("<int:pk>/actions/<int:action_pk>/deplacer/", actions.action_move, name="action_move"),
    path("<int:pk>/actions/<int:action_pk>/supprimer/", actions.action_delete, name="action_delete"),
    path("<int:pk>/budget/", budget.budget, name="budget"),
    path("<int:pk>/conventions/", conventions.conventions, name="conventions"),
    path("<int:pk>/conventions/<int:convention_pk>/", conventions.convention_edit, name="convention_edit"),
    path(
        "<int:pk>/conventions/<int:convention_pk>/supprimer/", conventions.convention_delete, name="convention_delete"
    ),
    path("<int:pk>/conventions/<int:convention_pk>/engagements/", conventions.commitment_add, name="commitment_add"),
    path("<int:pk>/engagements/<int:commitment_pk>/etat/", conventions.commitment_status, name="commitment_status"),
    path("<int:pk>/budget/financements/nouveau/", budget.funding_create, name="funding_create"),
    path("<int:pk>/budget/financements/<int:funding_pk>/", budget.funding_edit, name="funding_edit"),
    path("<int:pk>/budget/financements/<int:funding_pk>/supprimer/", budget.funding_delete, name="funding_delete"),
    path("<int:pk>/actions/<int:action_pk>/budget/nouvelle/", budget.line_create, name="line_create"),
    path("<int:pk>/budget/lignes/<int:line_pk>/", budget.line_edit, name="line_edit"),
    path("<int:pk>/budget/lignes/<int:line_pk>/supprimer/", budget.line_delete, name="line_delete"),
    path("<int:pk>/budget/lignes/<int:line_pk>/execution/", budget.line_execution, name="line_execution"),
    path("<int:pk>/relecture/", plans.plan_review, name="review"),
    path("<int:pk>/adoption/", plans.plan_adopt, name="adopt"),
    path("<int:pk>/reunions/", plans.plan_meetings, name="meetings"),
    path("<int:pk>/statut/", plans.plan_status, name="status"),
    path("<int:pk>/historique/", history.plan_history, name="history"),
]
