"""Plan templates and the measure catalogue shipped with the product.

Written in our own words from the source documents (../shared/seeds); names, numbers and indicator labels are facts
and are kept. Every template, axis, action and measure names its source from `SOURCES`, a fixed list; each one
taken from a document carries `excerpt`, words of that document that back it (a test checks they are there).
What no document says is marked as ours: `"product"` as the source of a proposal, `estimated` for the qualities of
a measure the source does not give (its size, level, cost class, first-year flag).

Loaded into the database by `plans.services.reference_data_sync()`, which data migrations and `manage.py seed_demo`
call; it is idempotent (matched on `code`).
"""

# The documents the product's reference data come from, and the platform's own proposals. `seed` names the file of
# ../shared/seeds each one was read from.
SOURCES = {
    "toolbox": {
        "citation": (
            "Boîte à outils programmatique pour les municipales de La France insoumise, partie « Lutter contre le "
            "trafic de stupéfiants et ses effets »"
        ),
        "seed": "000_7137f22b131ff5fe.txt",
    },
    "sene": {
        "citation": "Note interne 25/2023 « Plan d'actions drogues » de la police locale de SeNe (Belgique)",
        "seed": "001_9a83b87478bb2dbd.txt",
    },
    "ffsu": {
        "citation": (
            "Forum français pour la sécurité urbaine, « Osons réinterroger notre politique des drogues » : "
            "groupe de travail des élus locaux"
        ),
        "seed": "002_4dc398a51a30d725.txt",
    },
    "loos": {
        "citation": (
            "Convention de partenariat MILDECA / préfecture du Nord / ville de Loos : plan local de prévention de "
            "la participation des jeunes aux trafics"
        ),
        "seed": "003_1127091a6dcd3350.txt",
    },
    "mildt": {
        "citation": "Note de la MILDT du 7 janvier 2008 aux chefs de projet départementaux",
        "seed": "004_7dc0e09958370ffb.txt",
    },
    "product": {
        "citation": "Proposition de la plateforme : aucun des documents de référence ne la contient",
        "seed": "",
    },
}

# The qualities of a catalogue measure a source may or may not give.
QUALITIES = ("commune_size", "competence", "cost_class", "first_year")


def citation(key: str) -> str:
    return SOURCES[key]["citation"]


def ind(label, kind="result", unit="count", frequency="quarterly"):
    return {"kind": kind, "label": label, "unit": unit, "frequency": frequency}


def act(title, *, source, excerpt="", field="", targets="", summary="", comments="", competence="", lead_kind="",
        indicators=()):  # fmt: skip
    """A template's action. `lead_kind` is the kind of partner that usually leads it; none when the source names
    none (the action's comments then say so)."""
    return {
        "title": title,
        "source": source,
        "excerpt": excerpt,
        "field_of_intervention": field,
        "target_groups": targets,
        "summary": summary,
        "comments": comments,
        "competence": competence,
        "lead_kind": lead_kind,
        "indicators": list(indicators),
    }


SENE_NO_LEAD = (
    "Le modèle de suivi SeNe ne nomme ni gestionnaire ni sommaire d'actions pour ce domaine : le groupe de "
    "pilotage les désigne."
)

TEMPLATES = [
    {
        "code": "sene-modele-suivi",
        "order": 1,
        "name": "Plan d'actions drogues d'une police locale (modèle de suivi SeNe)",
        "source": "sene",
        "excerpt": "Modèle de Suivi",
        "description": (
            "La structure de la note 25/2023 de la police locale de SeNe et de son « Modèle de suivi » : deux "
            "piliers (la réduction de l'offre ; l'attention aux personnes en situation de précarité sociale "
            "séjournant illégalement sur le territoire) et quatre axes transversaux, avec les domaines et les "
            "indicateurs de résultat et d'impact du tableau. Comme dans le modèle, le second pilier et le quatrième "
            "axe n'ont pas encore d'action, et les colonnes « Compétences et financement envisagé » et « Échéances » "
            "sont à remplir par le groupe de pilotage. Pour une zone de police ou une police municipale qui pilote "
            "son propre plan."
        ),
        "pillars": [
            {
                "kind": "supply_reduction",
                "name": "Réduction de l'offre",
                "source": "sene",
                "excerpt": "contribuer à une réduction mesurable de la disponibilité des drogues illicites",
                "description": (
                    "Réduire de façon mesurable la disponibilité des drogues illicites et ce qui facilite leur "
                    "commerce, en ciblant les trafics locaux à partir du renseignement."
                ),
                "axes": [
                    {
                        "name": "Paix publique",
                        "source": "sene",
                        "excerpt": "Paix publique",
                        "actions": [
                            act(
                                "Organisation d'actions communes",
                                source="sene",
                                excerpt="Organisation d'actions communes",
                                field="Actions transversales",
                                summary=(
                                    "Renforcer la coordination au sein de la police locale et la coopération avec "
                                    "les partenaires sur les lieux exposés."
                                ),
                                lead_kind="local_police",
                                indicators=[ind("Nombre d'actions menées")],
                            ),
                        ],
                    },
                    {
                        "name": "Amélioration de la collecte de l'information",
                        "source": "sene",
                        "excerpt": "Amélioration de la collecte de l'information",
                        "actions": [
                            act(
                                "Amélioration de la collecte de l'information (actions transversales)",
                                source="sene",
                                excerpt="Nombre d'informations",
                                field="Actions transversales",
                                comments=SENE_NO_LEAD,
                                indicators=[ind("Nombre d'informations")],
                            ),
                        ],
                    },
                    {
                        "name": "Amélioration de l'efficacité du travail de police judiciaire",
                        "source": "sene",
                        "excerpt": "Amélioration de l'efficacité du travail de police judiciaire",
                        "actions": [
                            act(
                                "Amélioration de l'efficacité du travail de police judiciaire (actions "
                                "transversales et formations)",
                                source="sene",
                                excerpt="Actions transversales Organisation de formations",
                                field="Actions transversales ; organisation de formations",
                                comments=SENE_NO_LEAD,
                                indicators=[
                                    ind("Nombre de dossiers ouverts"),
                                    ind("Nombre d'amendes"),
                                    ind("Nombre et type de privations de liberté"),
                                    ind("Nombre et type de formations"),
                                ],
                            ),
                        ],
                    },
                ],
            },
            {
                "kind": "risk_reduction",
                "name": (
                    "Attention aux personnes en situation de précarité sociale séjournant de manière illégale sur le "
                    "territoire"
                ),
                "source": "sene",
                "excerpt": "précarité sociale séjournant de manière illégale sur le territoire",
                "description": (
                    "Réduire les risques, dommages et nuisances liés à la consommation de drogues, dont l'alcool, sur "
                    "l'espace public, par des mesures préventives, sanitaires et répressives, avec les partenaires "
                    "sociaux et médicaux. La note n'en détaille pas encore les domaines ni les actions."
                ),
                "axes": [],
            },
            {
                "kind": "transversal",
                "name": "Axes transversaux",
                "source": "sene",
                "excerpt": "Quatre axes transversaux",
                "description": (
                    "Réduction des risques et des nuisances, connaissance du phénomène, coordination interne et "
                    "relations avec les autorités administratives et judiciaires."
                ),
                "axes": [
                    {
                        "name": "Réduction des risques, dommages et nuisances",
                        "source": "sene",
                        "excerpt": "La réduction des risques, dommages et nuisances",
                        "actions": [
                            act(
                                "Réduction des risques et prises en charge de la population consommatrice",
                                source="sene",
                                excerpt="Réduction des risques et prises en charge de la population consommatrice",
                                field="Actions transversales",
                                comments="Contrôles d'initiative au départ du RGP (règlement général de police)",
                                lead_kind="local_police",
                                indicators=[ind("Nombre de contrôles, de prises en charge et d'orientations")],
                            ),
                        ],
                    },
                    {
                        "name": "Recherche et information",
                        "source": "sene",
                        "excerpt": "Recherche et information",
                        "description": "L'information, la recherche et l'évaluation, selon la note.",
                        "actions": [
                            act(
                                "Améliorer l'expertise",
                                source="sene",
                                excerpt="Etudes/Enquêtes | Améliorer l'expertise",
                                field="Études / enquêtes",
                                lead_kind="local_police",
                                indicators=[ind("Rapport semestriel", unit="text", frequency="half_yearly")],
                            ),
                            act(
                                "Améliorer la gestion des secteurs",
                                source="sene",
                                excerpt="Système d'alerte | Améliorer la gestion des secteurs",
                                field="Système d'alerte",
                                lead_kind="local_police",
                                indicators=[ind("Nombre et types d'alertes")],
                            ),
                            act(
                                "Assurance de l'efficacité et de l'efficience",
                                source="sene",
                                excerpt="Système qualité | Assurance de l'efficacité et de l'efficience",
                                field="Système qualité",
                                lead_kind="local_police",
                                indicators=[
                                    ind("Documentation qualité mise à disposition", unit="yes_no", frequency="yearly")
                                ],
                            ),
                        ],
                    },
                    {
                        "name": "Coordination",
                        "source": "sene",
                        "excerpt": "Les mécanismes de coordination interne au sein de la police locale de SeNe",
                        "description": "Les mécanismes de coordination interne au sein de la police locale.",
                        "actions": [
                            act(
                                "Coordination (suivi des tendances, soutien de la direction des opérations)",
                                source="sene",
                                excerpt="L'optimisation veillera à suivre les tendances DirOps soutient le plan",
                                field=(
                                    "L'optimisation veillera à suivre les tendances ; la direction des opérations "
                                    "(DirOps) soutient le plan d'actions"
                                ),
                                comments=SENE_NO_LEAD,
                            ),
                        ],
                    },
                    {
                        "name": "Relations avec les autorités administratives et judiciaires",
                        "source": "sene",
                        "excerpt": "Les justes relations avec les autorités administratives et judiciaires",
                        "description": (
                            "Un échange d'information performant, des ressources utilisées efficacement et des acquis "
                            "pérennisés. La note n'y inscrit pas encore d'action."
                        ),
                        "actions": [],
                    },
                ],
            },
        ],
    },
    {
        "code": "prevention-jeunes-trafics",
        "order": 2,
        "name": "Plan local de prévention de l'entrée des jeunes dans les trafics",
        "source": "loos",
        "excerpt": "un plan local de prévention visant à prévenir la participation des jeunes aux trafics",
        "description": (
            "Les six axes du plan local de la ville de Loos, conventionné pour trois ans avec la MILDECA et la "
            "préfecture du Nord pour prévenir l'enrôlement des jeunes dans les réseaux : compétences psychosociales, "
            "parcours positifs, jeunes en basculement, familles et habitants, impunité et banalisation, demande. Le "
            "plan créé reçoit la convention de partenariat (à compléter et à signer) et ses partenaires : la "
            "commune, la MILDECA et la préfecture qui la signent, l'Éducation nationale, le parquet et la police "
            "nationale qui prennent part à la démarche. Les actions proposées sous chaque axe sont les nôtres : la "
            "source ne décrit que les axes."
        ),
        # The partners the source names, by kind: the signatories and the institutions taking part.
        "partners": ["municipal_service", "mildeca", "prefecture", "education", "prosecutor", "national_police"],
        "convention": {
            "title": "Convention de partenariat pour un plan local de prévention de l'entrée des jeunes dans les trafics",
            "kind": "partnership",
            "duration_months": 36,
            "source": "loos",
            "excerpt": "Signée avec la MILDECA et la Préfecture du Nord pour une durée de trois ans",
            "parties": [("municipal_service", "le maire"), ("mildeca", ""), ("prefecture", "le préfet")],
        },
        "pillars": [
            {
                "kind": "prevention",
                "name": "Prévention de l'entrée des jeunes dans les trafics",
                "source": "loos",
                "excerpt": "démarche multi-partenariale",
                "description": "Démarche multi-partenariale (Éducation nationale, parquet, police, associations, ville).",
                "axes": [
                    {
                        "name": "Renforcer les compétences psychosociales des enfants et des adolescents",
                        "source": "loos",
                        "excerpt": "renforcement des compétences psychosociales des enfants et des adolescents",
                        "description": "Estime de soi, capacité à dire non, résistance à la pression des pairs, par des programmes validés.",
                        "actions": [
                            act(
                                "Déployer un programme validé de compétences psychosociales à l'école",
                                source="loos",
                                excerpt="programmes validés de renforcement des compétences psychosociales",
                                field="Écoles élémentaires et collèges",
                                targets="Élèves de CM1 à la 5e",
                                summary="Séances régulières animées par des intervenants formés, en lien avec les équipes éducatives.",
                                competence="shared",
                                lead_kind="education",
                                indicators=[
                                    ind("Nombre de classes bénéficiaires"),
                                    ind("Nombre d'élèves bénéficiaires"),
                                    ind(
                                        "Part des élèves déclarant savoir refuser une proposition",
                                        kind="impact",
                                        unit="percentage",
                                        frequency="yearly",
                                    ),
                                ],
                            ),
                            act(
                                "Former les animateurs périscolaires et de centres de loisirs",
                                source="product",
                                field="Accueils de loisirs",
                                targets="Animateurs et éducateurs",
                                competence="commune",
                                lead_kind="municipal_service",
                                indicators=[ind("Nombre de professionnels formés")],
                            ),
                        ],
                    },
                    {
                        "name": "Promouvoir des parcours positifs et lutter contre les idées reçues sur les trafics",
                        "source": "loos",
                        "excerpt": "Promouvoir des parcours positifs et lutter contre les idées reçues sur les trafics",
                        "actions": [
                            act(
                                "Organiser une reconstitution de procès sur le trafic de stupéfiants",
                                source="loos",
                                excerpt="Reconstitution de procès à Loos (Nord) sur le thème de la consommation et trafic de stupéfiants",
                                field="Collèges et lycées",
                                targets="Élèves de 3e et de seconde",
                                summary="Avec le tribunal, faire vivre aux élèves le déroulement d'une audience et ses conséquences.",
                                competence="shared",
                                lead_kind="prosecutor",
                                indicators=[ind("Nombre de séances organisées"), ind("Nombre de jeunes participants")],
                            ),
                            act(
                                "Valoriser des parcours de réussite issus des quartiers",
                                source="product",
                                field="Quartiers prioritaires",
                                targets="Jeunes de 12 à 18 ans",
                                summary="Rencontres avec des professionnels et des anciens du quartier, stages d'observation.",
                                competence="commune",
                                lead_kind="association",
                                indicators=[ind("Nombre de rencontres organisées")],
                            ),
                        ],
                    },
                    {
                        "name": "Agir sur les parcours individuels des jeunes en phase de basculement dans les trafics",
                        "source": "loos",
                        "excerpt": "Agir sur les parcours individuels des jeunes en phase de basculement",
                        "actions": [
                            act(
                                "Examiner les situations individuelles en cellule restreinte",
                                source="product",
                                field="Conseil local de sécurité et de prévention de la délinquance",
                                targets="Jeunes repérés en phase de basculement",
                                summary="Une cellule restreinte examine les situations et oriente ; le plan n'en garde que des chiffres.",
                                competence="commune",
                                lead_kind="municipal_service",
                                indicators=[
                                    ind("Nombre de situations examinées"),
                                    ind("Nombre de jeunes orientés vers un accompagnement"),
                                ],
                            ),
                            act(
                                "Proposer des chantiers éducatifs rémunérés",
                                source="product",
                                field="Insertion",
                                targets="Jeunes de 16 à 25 ans",
                                competence="commune",
                                lead_kind="association",
                                indicators=[
                                    ind("Nombre de jeunes accueillis en chantier"),
                                    ind(
                                        "Part des jeunes en formation ou en emploi six mois après",
                                        kind="impact",
                                        unit="percentage",
                                        frequency="yearly",
                                    ),
                                ],
                            ),
                        ],
                    },
                    {
                        "name": "Agir sur l'implication des familles et des habitants dans la prévention des trafics",
                        "source": "loos",
                        "excerpt": "Agir sur l'implication des familles et des habitants dans la prévention des trafics",
                        "actions": [
                            act(
                                "Animer des groupes de parole et de soutien à la parentalité",
                                source="product",
                                field="Centres sociaux",
                                targets="Parents d'adolescents",
                                competence="commune",
                                lead_kind="association",
                                indicators=[ind("Nombre de séances"), ind("Nombre de familles participantes")],
                            ),
                            act(
                                "Associer les habitants et les bailleurs à la tranquillité des halls et des pieds d'immeubles",
                                source="product",
                                field="Habitat social",
                                targets="Habitants, amicales de locataires, bailleurs",
                                competence="shared",
                                lead_kind="municipal_service",
                                indicators=[ind("Nombre de réunions avec les habitants")],
                            ),
                        ],
                    },
                    {
                        "name": "Agir sur le sentiment d'impunité et la banalisation des trafics",
                        "source": "loos",
                        "excerpt": "Agir sur le sentiment d'impunité et la banalisation des trafics",
                        "actions": [
                            act(
                                "Rendre visibles les suites judiciaires données aux trafics",
                                source="product",
                                field="Communication institutionnelle",
                                targets="Habitants du quartier",
                                summary="Communication régulière du parquet et de la police sur les résultats obtenus.",
                                competence="state",
                                lead_kind="prosecutor",
                                indicators=[ind("Nombre de communications publiques")],
                            ),
                            act(
                                "Réinvestir les lieux libérés des points de deal",
                                source="product",
                                field="Espaces publics",
                                targets="Habitants",
                                summary="Aménagements, animations et présence des services après le démantèlement d'un point de vente.",
                                competence="commune",
                                lead_kind="municipal_service",
                                indicators=[
                                    ind("Nombre de sites réaménagés"),
                                    ind("Nombre de points de deal actifs", kind="impact", frequency="quarterly"),
                                ],
                            ),
                        ],
                    },
                    {
                        "name": "Agir sur la demande en prévenant la consommation et la banalisation des substances psychoactives",
                        "source": "loos",
                        "excerpt": "Agir sur la demande en prévenant la consommation et la banalisation des",
                        "actions": [
                            act(
                                "Développer les consultations jeunes consommateurs de proximité",
                                source="product",
                                field="Santé",
                                targets="Jeunes consommateurs et leur entourage",
                                competence="state",
                                lead_kind="csapa",
                                indicators=[ind("Nombre de jeunes reçus"), ind("Nombre de familles reçues")],
                            ),
                        ],
                    },
                ],
            },
        ],
    },
    {
        "code": "programme-departemental-mildt",
        "order": 3,
        "name": "Programme départemental selon les priorités 2008 de la MILDT",
        "source": "mildt",
        "excerpt": "prévoir votre plan d'action 2008 en veillant au respect des priorités ci après",
        "description": (
            "Ce sont les priorités que la MILDT fixait en 2008 à ses chefs de projet départementaux : prévention et "
            "rappel de la loi, qualité et diversification de l'offre de soins, trafic local et coordination des "
            "services, vente d'alcool aux mineurs, évaluation permanente, avec un programme annuel construit en "
            "comité de pilotage. Aujourd'hui, les feuilles de route départementales de la MILDECA déclinent le plan "
            "national de mobilisation contre les addictions en vigueur : reprenez ce modèle comme point de départ "
            "et alignez-le sur la feuille de route de votre département."
        ),
        "pillars": [
            {
                "kind": "prevention",
                "name": "Réduire la demande par la prévention et le rappel de la loi",
                "source": "mildt",
                "excerpt": "Réduire la demande par la prévention et le rappel de la loi",
                "axes": [
                    {
                        "name": "Soutenir les parents, premiers acteurs de la prévention",
                        "source": "mildt",
                        "excerpt": "notamment les parents, premiers acteurs de la prévention",
                        "actions": [
                            act(
                                "Conférences et ateliers pour les parents",
                                source="mildt",
                                excerpt="renforcer, par l'action des pouvoirs publics, la légitimité de leur discours",
                                targets="Parents d'enfants de 10 à 18 ans",
                                competence="shared",
                                lead_kind="association",
                                indicators=[ind("Nombre de parents touchés")],
                            ),
                        ],
                    },
                    {
                        "name": "Prévention en milieu scolaire et dans les lieux de loisirs",
                        "source": "mildt",
                        "excerpt": "les actions menées dans les établissements scolaires et dans les milieux du loisir",
                        "actions": [
                            act(
                                "Interventions de prévention dans les établissements scolaires",
                                source="mildt",
                                excerpt="les actions menées dans les établissements scolaires",
                                targets="Collégiens et lycéens",
                                competence="state",
                                lead_kind="education",
                                indicators=[ind("Nombre d'établissements couverts"), ind("Nombre d'élèves touchés")],
                            ),
                        ],
                    },
                    {
                        "name": "Stages de sensibilisation aux dangers de l'usage de stupéfiants",
                        "source": "mildt",
                        "excerpt": "un stage de sensibilisation aux dangers de l'usage des drogues",
                        "actions": [
                            act(
                                "Mettre en place les stages avec le parquet",
                                source="mildt",
                                excerpt="en lien avec les Parquets à la mise en œuvre rapide de ces procédures",
                                targets="Usagers majeurs peu ou pas dépendants orientés par la justice",
                                competence="state",
                                lead_kind="prosecutor",
                                indicators=[ind("Nombre de stages organisés"), ind("Nombre de personnes orientées")],
                            ),
                        ],
                    },
                ],
            },
            {
                "kind": "care",
                "name": "Veiller à la qualité et à la diversification de l'offre de soins",
                "source": "mildt",
                "excerpt": "Veiller à la qualité et à la diversification de l'offre de soins",
                "axes": [
                    {
                        "name": "Couverture territoriale des dispositifs de prise en charge",
                        "source": "mildt",
                        "excerpt": "une bonne couverture territoriale qualitative des dispositifs spécialisés",
                        "actions": [
                            act(
                                "Cartographier l'offre et ouvrir des consultations jeunes consommateurs avancées",
                                source="mildt",
                                excerpt="consultations cannabis pour les jeunes consommateurs et leur famille",
                                competence="state",
                                lead_kind="health_agency",
                                indicators=[ind("Nombre de points de consultation", frequency="yearly")],
                            ),
                        ],
                    },
                    {
                        "name": "Injonctions thérapeutiques et médecins relais",
                        "source": "mildt",
                        "excerpt": "l'effectivité des injonctions thérapeutiques",
                        "actions": [
                            act(
                                "Suivre l'effectivité des injonctions thérapeutiques",
                                source="mildt",
                                excerpt="la mise en place rapide dans votre département des médecins relais",
                                competence="state",
                                lead_kind="prosecutor",
                                indicators=[
                                    ind("Nombre d'injonctions prononcées"),
                                    ind("Nombre de médecins relais désignés", frequency="yearly"),
                                ],
                            ),
                        ],
                    },
                    {
                        "name": "Programmes de soins sans substitution",
                        "source": "mildt",
                        "excerpt": "la création de programmes sans substitution",
                        "actions": [
                            act(
                                "Suivre les projets de communautés thérapeutiques",
                                source="mildt",
                                excerpt="projets de création de communautés thérapeutiques",
                                summary=(
                                    "Des lieux de soin résidentiels sans traitement de substitution : suivre les "
                                    "projets du département et leur conformité au cahier des charges."
                                ),
                                competence="state",
                                lead_kind="health_agency",
                                indicators=[
                                    ind("Nombre de projets suivis", frequency="yearly"),
                                    ind("Nombre de places ouvertes", kind="impact", frequency="yearly"),
                                ],
                            ),
                        ],
                    },
                ],
            },
            {
                "kind": "supply_reduction",
                "name": "Réduire le trafic local par une meilleure coordination des services",
                "source": "mildt",
                "excerpt": "contribuer à réduire le trafic local par une meilleure coordination des services",
                "axes": [
                    {
                        "name": "Coordination police, gendarmerie et douane",
                        "source": "mildt",
                        "excerpt": "coordination des services de police, de gendarmerie, des Douanes",
                        "actions": [
                            act(
                                "Réunir le comité départemental de sécurité sur les stupéfiants",
                                source="mildt",
                                excerpt="la réunion avec l'autorité judiciaire du Comité départemental de sécurité",
                                competence="state",
                                lead_kind="prefecture",
                                indicators=[ind("Nombre de réunions", frequency="yearly")],
                            ),
                        ],
                    },
                    {
                        "name": "Moyens d'investigation spécifiques",
                        "source": "mildt",
                        "excerpt": "renforcer leurs moyens d'investigation et d'action spécifiques",
                        "actions": [
                            act(
                                "Financer des moyens d'investigation décidés en comité de pilotage",
                                source="mildt",
                                excerpt="décidées en comité de pilotage départemental",
                                comments="Pas l'équipement courant des forces de l'ordre.",
                                competence="state",
                                lead_kind="national_police",
                                indicators=[
                                    ind("Nombre d'opérations soutenues"),
                                    ind("Quantités saisies", kind="impact"),
                                ],
                            ),
                        ],
                    },
                ],
            },
            {
                "kind": "law_enforcement",
                "name": "Faire respecter l'interdiction de vente d'alcool aux mineurs",
                "source": "mildt",
                "excerpt": "la réglementation concernant la distribution d'alcool chez les plus jeunes",
                "axes": [
                    {
                        "name": "Contrôles et information des débitants",
                        "source": "mildt",
                        "excerpt": "s'assurer du respect de la réglementation concernant la distribution d'alcool",
                        "actions": [
                            act(
                                "Informer les débitants et contrôler la réglementation",
                                source="mildt",
                                excerpt="s'assurer du respect de la réglementation concernant la distribution d'alcool",
                                targets="Commerces et débits de boissons",
                                competence="shared",
                                lead_kind="national_police",
                                indicators=[
                                    ind("Nombre de débits informés"),
                                    ind("Nombre de contrôles"),
                                    ind("Nombre d'infractions relevées"),
                                ],
                            ),
                        ],
                    },
                ],
            },
            {
                "kind": "transversal",
                "name": "Évaluer en permanence l'action",
                "source": "mildt",
                "excerpt": "évaluer en permanence votre action",
                "axes": [
                    {
                        "name": "Diagnostic de territoire et indicateurs clés de tendance",
                        "source": "mildt",
                        "excerpt": "construire un diagnostic de territoire avec quelques indicateurs clefs de tendances",
                        "actions": [
                            act(
                                "Construire le diagnostic avec l'observatoire régional",
                                source="mildt",
                                excerpt="Centres d'Information Régionaux sur les Drogues et les Dépendances",
                                competence="state",
                                lead_kind="prefecture",
                                indicators=[
                                    ind("Diagnostic de territoire mis à jour", unit="yes_no", frequency="yearly")
                                ],
                            ),
                        ],
                    },
                    {
                        "name": "Bilan annuel et rythme d'engagement des crédits",
                        "source": "mildt",
                        "excerpt": "engager les crédits qui vous sont délégués selon un rythme régulier",
                        "actions": [
                            act(
                                "Produire le bilan annuel formaté et engager les crédits à rythme régulier",
                                source="mildt",
                                excerpt="le solde vous sera versé au vu du bilan 2007",
                                comments="Le solde des crédits est versé au vu du bilan de l'année précédente.",
                                competence="state",
                                lead_kind="prefecture",
                                indicators=[
                                    ind("Bilan annuel transmis", unit="text", frequency="yearly"),
                                    ind(
                                        "Part des crédits engagés avant le quatrième trimestre",
                                        kind="impact",
                                        unit="percentage",
                                        frequency="yearly",
                                    ),
                                ],
                            ),
                        ],
                    },
                ],
            },
        ],
    },
]


def measure(code, title, description, *, pillar, size, competence, cost, first_year=False, source, excerpt="",
            scope="", estimated=(), indicators=()):  # fmt: skip
    """A catalogue measure. `scope` quotes the source's own words on the communes and level it suits; `estimated`
    lists the qualities (QUALITIES) the source does not give, which are the product's estimates. No document gives a
    cost class or a first-year flag measure by measure, so those are always estimates."""
    estimated = {*estimated, "cost_class", "first_year"}
    if source == "product":
        estimated |= set(QUALITIES)
    return {
        "code": code,
        "title": title,
        "description": description,
        "pillar_kind": pillar,
        "commune_size": size,
        "competence": competence,
        "cost_class": cost,
        "first_year": first_year,
        "source_key": source,
        "source": citation(source),
        "source_excerpt": excerpt,
        "source_scope": scope,
        "estimated": [q for q in QUALITIES if q in estimated],
        "indicator_suggestions": list(indicators),
    }


# What the toolbox says of its measures' communes and levels, word for word.
ALL = "Toutes communes"
ALL_EPCI = "Toutes communes, intercommunalités"
MEDIUM_LARGE_EPCI = "Moyennes et grandes communes, intercommunalités"
# The documents other than the toolbox qualify no measure by commune size; the MILDT note says who holds the
# competence ("la politique de lutte contre la drogue est de la compétence de l'Etat").
NO_SIZE = ("commune_size", "competence")
STATE = ("commune_size",)

CATALOGUE = [
    # Supply reduction and law enforcement
    measure(
        "cooperation-forces-demantelement",
        "Coopérer étroitement avec les services d'enquête pour démanteler les réseaux",
        "Partager l'information de terrain de la commune (police municipale, médiation, bailleurs) avec la police judiciaire, la gendarmerie et la douane pour viser les têtes de réseau.",
        pillar="supply_reduction",
        size="all",
        competence="commune",
        cost=0,
        first_year=True,
        source="toolbox",
        excerpt="Travailler étroitement avec la police nationale judiciaire, la gendarmerie ou la douane pour démanteler les trafics de drogue",
        scope=ALL,
        indicators=[ind("Nombre de signalements transmis")],
    ),
    measure(
        "operations-conjointes-espace-public",
        "Mener des opérations conjointes sur les lieux de nuisance",
        "Planifier avec les partenaires des présences et contrôles coordonnés sur les lieux identifiés par le diagnostic.",
        pillar="supply_reduction",
        size="all",
        competence="commune",
        cost=1,
        first_year=True,
        source="sene",
        excerpt="Organisation d'actions communes",
        estimated=NO_SIZE,
        indicators=[ind("Nombre d'actions menées")],
    ),
    measure(
        "veille-ventes-en-ligne",
        "Surveiller les ventes par messageries et réseaux sociaux",
        "Former des agents à repérer la promotion et la livraison de produits par les outils numériques et transmettre aux enquêteurs.",
        pillar="supply_reduction",
        size="medium_large",
        competence="commune",
        cost=1,
        source="sene",
        excerpt="Accorder une attention aux nouvelles technologies de communication",
        estimated=NO_SIZE,
        indicators=[ind("Nombre de signalements numériques transmis")],
    ),
    measure(
        "cellule-renseignement-local",
        "Structurer la collecte de l'information de terrain",
        "Une fiche de remontée commune aux patrouilles, médiateurs et bailleurs, exploitée chaque semaine.",
        pillar="supply_reduction",
        size="medium_large",
        competence="commune",
        cost=0,
        first_year=True,
        source="sene",
        excerpt="Amélioration de la collecte de l'information",
        estimated=NO_SIZE,
        indicators=[ind("Nombre d'informations")],
    ),
    measure(
        "biens-mal-acquis",
        "Réaffecter les biens saisis aux trafiquants à des projets sociaux",
        "Travailler avec les services de l'État pour que des biens confisqués servent à des associations ou des équipements de quartier.",
        pillar="supply_reduction",
        size="all",
        competence="commune",
        cost=0,
        source="toolbox",
        excerpt="réaffecter les biens mal acquis à des projets sociaux et inclusifs",
        scope=ALL,
        indicators=[ind("Nombre de biens réaffectés", frequency="yearly")],
    ),
    measure(
        "reamenagement-points-deal",
        "Réaménager les lieux de vente après démantèlement",
        "Éclairage, fermeture des accès, animations et présence humaine pour éviter la réinstallation d'un point de vente.",
        pillar="supply_reduction",
        size="medium_large",
        competence="commune",
        cost=2,
        source="product",
        indicators=[ind("Nombre de sites réaménagés"), ind("Nombre de points de deal actifs", kind="impact")],
    ),
    measure(
        "comite-departemental-stupefiants",
        "Réunir le comité départemental de sécurité sur les stupéfiants",
        "Une séance consacrée au trafic et à l'usage, avec l'autorité judiciaire, pour coordonner police, gendarmerie et douane.",
        pillar="supply_reduction",
        size="all",
        competence="state",
        cost=0,
        source="mildt",
        excerpt="la réunion avec l'autorité judiciaire du Comité départemental de sécurité",
        estimated=STATE,
        indicators=[ind("Nombre de réunions", frequency="yearly")],
    ),
    measure(
        "controle-alcool-mineurs",
        "Faire respecter l'interdiction de vente d'alcool aux mineurs",
        "Informer les commerces et débits de boissons, puis contrôler avec les forces de l'ordre.",
        pillar="law_enforcement",
        size="all",
        competence="state",
        cost=1,
        first_year=True,
        source="mildt",
        excerpt="s'assurer du respect de la réglementation concernant la distribution d'alcool chez les plus jeunes",
        estimated=STATE,
        indicators=[ind("Nombre de commerces informés"), ind("Nombre de contrôles")],
    ),
    measure(
        "arretes-alcool-espace-public",
        "Agir sur les nuisances liées à l'alcool sur l'espace public",
        "Repérer les lieux et les heures des nuisances ; selon le cas, présence, médiation ou arrêtés ciblés dans le temps et l'espace, avec une information des riverains et des commerces.",
        pillar="law_enforcement",
        size="all",
        competence="commune",
        cost=0,
        first_year=True,
        source="sene",
        excerpt="les nuisances liées à la consommation d'alcool sur l'espace public",
        estimated=NO_SIZE,
        indicators=[ind("Nombre d'interventions pour nuisances liées à l'alcool")],
    ),
    # Prevention
    measure(
        "campagnes-addictions",
        "Mener des campagnes de prévention de toutes les addictions",
        "Tabac, alcool, drogues, jeux d'argent : des campagnes locales adaptées aux publics, co-construites avec les associations.",
        pillar="prevention",
        size="all",
        competence="commune",
        cost=1,
        first_year=True,
        source="toolbox",
        excerpt="Développer des campagnes de prévention et de sensibilisation aux dangers des addictions",
        scope=ALL,
        indicators=[ind("Nombre de campagnes menées"), ind("Nombre de personnes touchées")],
    ),
    measure(
        "formations-colleges-lycees",
        "Former les collégiens et lycéens aux risques et aux techniques de recrutement",
        "Des interventions d'agents municipaux ou d'associations sur les produits en circulation et sur la manière dont les réseaux attirent et retiennent les plus jeunes.",
        pillar="prevention",
        size="medium_large",
        competence="intercommunality",
        cost=1,
        source="toolbox",
        excerpt="Proposer des formations au collège et au lycée via des agents municipaux ou des associations",
        scope=MEDIUM_LARGE_EPCI,
        indicators=[ind("Nombre d'élèves touchés"), ind("Nombre d'établissements couverts")],
    ),
    measure(
        "formations-parents-tout-public",
        "Proposer des formations ouvertes aux parents et aux habitants",
        "Repérer les signes de fragilité des enfants, qu'il s'agisse de consommation ou d'entrée dans les trafics.",
        pillar="prevention",
        size="all",
        competence="intercommunality",
        cost=1,
        source="toolbox",
        excerpt="Proposer des formations régulières ouvertes à tous",
        scope=ALL_EPCI,
        indicators=[ind("Nombre de sessions"), ind("Nombre de participants")],
    ),
    measure(
        "competences-psychosociales",
        "Déployer un programme validé de compétences psychosociales",
        "Estime de soi, capacité à dire non, résistance à la pression des pairs : un programme reconnu, mené sur plusieurs années scolaires.",
        pillar="prevention",
        size="all",
        competence="shared",
        cost=2,
        first_year=True,
        source="loos",
        excerpt="programmes validés de renforcement des compétences psychosociales des enfants et des adolescents",
        estimated=NO_SIZE,
        indicators=[ind("Nombre de classes bénéficiaires"), ind("Nombre d'élèves bénéficiaires")],
    ),
    measure(
        "proces-reconstitue",
        "Organiser des reconstitutions de procès avec le tribunal",
        "Faire comprendre aux adolescents ce qu'encourt un guetteur ou un revendeur, avec magistrats et avocats, comme l'a fait Loos.",
        pillar="prevention",
        size="medium_large",
        competence="shared",
        cost=1,
        source="loos",
        excerpt="Reconstitution de procès à Loos (Nord) sur le thème de la consommation et trafic de stupéfiants",
        estimated=NO_SIZE,
        indicators=[ind("Nombre de séances"), ind("Nombre de jeunes participants")],
    ),
    measure(
        "parcours-positifs",
        "Valoriser des parcours de réussite et déconstruire les idées reçues sur les trafics",
        "Rencontres, parrainages et stages qui montrent d'autres voies que l'argent facile.",
        pillar="prevention",
        size="all",
        competence="commune",
        cost=1,
        source="loos",
        excerpt="Promouvoir des parcours positifs et lutter contre les idées reçues sur les trafics",
        estimated=NO_SIZE,
        indicators=[ind("Nombre de jeunes accompagnés")],
    ),
    measure(
        "soutien-parentalite",
        "Soutenir les parents, premiers acteurs de la prévention",
        "Groupes de parole, ateliers et permanences pour renforcer le discours éducatif des parents.",
        pillar="prevention",
        size="all",
        competence="state",
        cost=1,
        first_year=True,
        source="mildt",
        excerpt="notamment les parents, premiers acteurs de la prévention",
        estimated=STATE,
        indicators=[ind("Nombre de familles participantes")],
    ),
    measure(
        "implication-habitants",
        "Associer les familles et les habitants à la prévention des trafics",
        "Marches exploratoires, réunions de résidence avec les bailleurs, signalements facilités des occupations de halls.",
        pillar="prevention",
        size="medium_large",
        competence="commune",
        cost=0,
        source="loos",
        excerpt="Agir sur l'implication des familles et des habitants dans la prévention des trafics",
        estimated=NO_SIZE,
        indicators=[ind("Nombre de réunions avec les habitants")],
    ),
    measure(
        "stages-sensibilisation",
        "Développer les stages de sensibilisation aux dangers de l'usage de stupéfiants",
        "Une réponse judiciaire éducative pour les usagers peu ou pas dépendants, organisée avec le parquet.",
        pillar="prevention",
        size="all",
        competence="state",
        cost=1,
        source="mildt",
        excerpt="un stage de sensibilisation aux dangers de l'usage des drogues",
        estimated=STATE,
        indicators=[ind("Nombre de stages organisés")],
    ),
    measure(
        "prevention-milieu-festif",
        "Prévenir les risques dans les lieux festifs et les événements",
        "Présence d'équipes de prévention et d'information lors des fêtes, festivals et soirées étudiantes.",
        pillar="prevention",
        size="medium_large",
        competence="commune",
        cost=1,
        source="product",
        indicators=[ind("Nombre d'événements couverts")],
    ),
    measure(
        "formation-professionnels-jeunesse",
        "Former les professionnels de la jeunesse au repérage",
        "Animateurs, éducateurs, agents d'accueil : repérer, dialoguer et orienter.",
        pillar="prevention",
        size="all",
        competence="commune",
        cost=1,
        first_year=True,
        source="product",
        indicators=[ind("Nombre de professionnels formés")],
    ),
    # Risk and harm reduction
    measure(
        "espaces-consommation-moindre-risque",
        "Ouvrir un espace ou une équipe mobile de consommation à moindre risque",
        "Avec des associations spécialisées, pour le suivi sanitaire et social des usagers et la baisse des consommations à risque et des nuisances.",
        pillar="risk_reduction",
        size="medium_large",
        competence="intercommunality",
        cost=3,
        source="toolbox",
        excerpt="des espaces ou des équipement mobiles de consommations à moindre risque",
        scope=MEDIUM_LARGE_EPCI,
        indicators=[ind("Nombre de passages"), ind("Nombre d'orientations vers le soin")],
    ),
    measure(
        "maraudes-rdr",
        "Organiser des maraudes de réduction des risques",
        "Équipes associatives à la rencontre des usagers de l'espace public : matériel, information, orientation.",
        pillar="risk_reduction",
        size="medium_large",
        competence="shared",
        cost=2,
        source="product",
        indicators=[ind("Nombre de maraudes"), ind("Nombre de contacts")],
    ),
    measure(
        "prise-en-charge-precarite",
        "Orienter les personnes consommatrices en grande précarité",
        "Contrôles couplés à une orientation vers les services sociaux et médicaux, avec les partenaires.",
        pillar="risk_reduction",
        size="all",
        competence="shared",
        cost=1,
        first_year=True,
        source="sene",
        excerpt="Réduction des risques et prises en charge de la population consommatrice",
        estimated=NO_SIZE,
        indicators=[ind("Nombre de contrôles, de prises en charge et d'orientations")],
    ),
    measure(
        "automates-materiel",
        "Installer des distributeurs de matériel de réduction des risques",
        "Des automates et des récupérateurs de seringues, entretenus par une association, sur les lieux identifiés.",
        pillar="risk_reduction",
        size="medium_large",
        competence="commune",
        cost=2,
        source="product",
        indicators=[
            ind("Nombre de kits distribués"),
            ind("Nombre de seringues récupérées sur l'espace public", kind="impact"),
        ],
    ),
    measure(
        "sensibiliser-tranquillite",
        "Sensibiliser les consommateurs à l'effet de leur consommation sur la tranquillité",
        "Messages sur les nuisances, les déchets et la sécurité des riverains, diffusés avec les associations.",
        pillar="risk_reduction",
        size="medium_large",
        competence="intercommunality",
        cost=0,
        source="toolbox",
        excerpt="sensibiliser les consommateurs aux impacts de leur consommations sur la tranquillité et la sûreté",
        scope=MEDIUM_LARGE_EPCI,
        indicators=[ind("Nombre de supports diffusés")],
    ),
    # Care
    measure(
        "plan-soins-addictions",
        "Proposer un plan local de soin aux personnes dépendantes",
        "Accès aux soins de premier recours, substitution, logement, soutien psychologique ; ouverture de CSAPA et CAARUD avec l'État et les associations.",
        pillar="care",
        size="medium_large",
        competence="intercommunality",
        cost=3,
        source="toolbox",
        excerpt="Proposer un plan de prévention des conduites addictives, de réduction des risques et dommages et de soin aux personnes dépendantes",
        scope=MEDIUM_LARGE_EPCI,
        indicators=[
            ind("Nombre de personnes accompagnées"),
            ind("Délai d'attente pour un premier rendez-vous (jours)", kind="impact"),
        ],
    ),
    measure(
        "consultations-jeunes-consommateurs",
        "Développer les consultations jeunes consommateurs",
        "Des permanences de proximité pour les jeunes et leur famille, en lien avec les CSAPA (la note de 2008 parlait de « consultations cannabis »).",
        pillar="care",
        size="all",
        competence="state",
        cost=2,
        source="mildt",
        excerpt="consultations cannabis pour les jeunes consommateurs et leur famille",
        estimated=STATE,
        indicators=[ind("Nombre de jeunes reçus")],
    ),
    measure(
        "medecins-relais",
        "Rendre effectives les injonctions thérapeutiques",
        "Désigner des médecins relais et suivre les orientations avec le parquet.",
        pillar="care",
        size="all",
        competence="state",
        cost=0,
        source="mildt",
        excerpt="l'effectivité des injonctions thérapeutiques",
        estimated=STATE,
        indicators=[ind("Nombre d'injonctions suivies")],
    ),
    measure(
        "communautes-therapeutiques",
        "Suivre les projets de communautés thérapeutiques",
        "Des lieux de soin résidentiels sans traitement de substitution, qui diversifient l'offre de soins : accompagner les projets et leur conformité au cahier des charges.",
        pillar="care",
        size="all",
        competence="state",
        cost=0,
        source="mildt",
        excerpt="projets de création de communautés thérapeutiques",
        estimated=STATE,
        indicators=[ind("Nombre de places ouvertes", frequency="yearly")],
    ),
    measure(
        "parcours-sortie-delinquance",
        "Proposer des parcours de sortie des trafics",
        "Accompagner des jeunes revendeurs ou anciens revendeurs vers une insertion sociale et professionnelle hors de l'économie de la drogue.",
        pillar="care",
        size="all",
        competence="commune",
        cost=2,
        source="toolbox",
        excerpt="Proposer des « parcours de sortie de la délinquance »",
        scope=ALL,
        indicators=[
            ind("Nombre de jeunes accompagnés"),
            ind("Part en emploi ou formation à six mois", kind="impact", unit="percentage", frequency="yearly"),
        ],
    ),
    measure(
        "cellule-suivi-individuel",
        "Suivre les jeunes en phase de basculement",
        "Une cellule restreinte du conseil local de prévention examine les situations et oriente ; le plan n'en garde que des chiffres.",
        pillar="care",
        size="all",
        competence="commune",
        cost=1,
        first_year=True,
        source="loos",
        excerpt="Agir sur les parcours individuels des jeunes en phase de basculement dans",
        estimated=NO_SIZE,
        indicators=[ind("Nombre de situations examinées")],
    ),
    # Transversal / coordination
    measure(
        "groupe-pilotage",
        "Installer un groupe de pilotage du plan",
        "Une instance qui réunit élus, services, forces de l'ordre, parquet et associations, et suit le plan chaque trimestre.",
        pillar="transversal",
        size="all",
        competence="commune",
        cost=0,
        first_year=True,
        source="sene",
        excerpt="par un groupe de pilotage à installer",
        estimated=NO_SIZE,
        indicators=[ind("Nombre de réunions du groupe de pilotage")],
    ),
    measure(
        "diagnostic-territoire",
        "Construire un diagnostic local avec quelques indicateurs clés",
        "S'appuyer sur les données de l'observatoire national, de l'observatoire régional et des partenaires pour suivre les tendances.",
        pillar="transversal",
        size="all",
        competence="state",
        cost=1,
        first_year=True,
        source="mildt",
        excerpt="construire un diagnostic de territoire avec quelques indicateurs clefs de tendances",
        estimated=STATE,
        indicators=[ind("Diagnostic mis à jour", unit="yes_no", frequency="yearly")],
    ),
    measure(
        "rapport-semestriel",
        "Publier un rapport semestriel sur la situation locale",
        "Une analyse régulière partagée avec les partenaires : tendances, résultats des actions, propositions.",
        pillar="transversal",
        size="medium_large",
        competence="commune",
        cost=1,
        source="sene",
        excerpt="Rapport semestriel",
        estimated=NO_SIZE,
        indicators=[ind("Rapport semestriel", unit="text", frequency="half_yearly")],
    ),
    measure(
        "systeme-alerte",
        "Mettre en place un système d'alerte sur les tendances émergentes",
        "Produits nouveaux, lieux, horaires : une alerte partagée entre police, santé et associations.",
        pillar="transversal",
        size="medium_large",
        competence="shared",
        cost=1,
        source="sene",
        excerpt="Système d'alerte",
        estimated=NO_SIZE,
        indicators=[ind("Nombre et types d'alertes")],
    ),
    measure(
        "groupe-travail-elus",
        "Rejoindre un réseau d'élus sur les politiques des drogues",
        "Échanger avec d'autres villes sur leurs options et leurs attentes vis-à-vis de l'État.",
        pillar="transversal",
        size="all",
        competence="commune",
        cost=0,
        first_year=True,
        source="ffsu",
        excerpt="En tant qu'élu local, quelles sont mes options ?",
        estimated=NO_SIZE,
        indicators=[ind("Nombre de rencontres suivies", frequency="yearly")],
    ),
    measure(
        "engagement-credits-regulier",
        "Engager les crédits à un rythme régulier",
        "Programmer les engagements sur l'année pour éviter la concentration au dernier trimestre et la perte de crédits.",
        pillar="transversal",
        size="all",
        competence="state",
        cost=0,
        first_year=True,
        source="mildt",
        excerpt="engager les crédits qui vous sont délégués selon un rythme régulier sans attendre le dernier trimestre",
        estimated=STATE,
        indicators=[
            ind("Part des crédits engagés avant le quatrième trimestre", unit="percentage", frequency="yearly")
        ],
    ),
]
