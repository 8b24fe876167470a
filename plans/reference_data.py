"""Plan templates and the measure catalogue shipped with the product.

Written in our own words from the source documents (see ../shared/seeds); names, numbers and indicator
labels are facts and are kept. Loaded into the database by `plans.services.reference_data_sync()`, which a
data migration and `manage.py seed_demo` both call; it is idempotent (matched on `code`).
"""

SRC_TOOLBOX = "Boîte à outils programmatique pour les municipales, chapitre « trafic de stupéfiants »"
SRC_SENE = "Note interne 25/2023 « Plan d'actions drogues » de la police locale de SeNe (Belgique)"
SRC_LOOS = "Convention MILDECA / préfecture du Nord / ville de Loos : plan local de prévention de l'entrée des jeunes dans les trafics"
SRC_MILDT = "Note de la MILDT du 7 janvier 2008 aux chefs de projet départementaux"
SRC_FFSU = "Forum français pour la sécurité urbaine : groupe de travail des élus locaux sur les politiques des drogues"


def ind(label, kind="result", unit="count", frequency="quarterly"):
    return {"kind": kind, "label": label, "unit": unit, "frequency": frequency}


def act(title, *, field="", targets="", summary="", comments="", competence="", cost=None, first_year=False,
        lead_kind="", indicators=()):  # fmt: skip
    return {
        "title": title,
        "field_of_intervention": field,
        "target_groups": targets,
        "summary": summary,
        "comments": comments,
        "competence": competence,
        "cost_class": cost,
        "first_year": first_year,
        "lead_kind": lead_kind,
        "indicators": list(indicators),
    }


TEMPLATES = [
    {
        "code": "sene-modele-suivi",
        "order": 1,
        "name": "Plan d'actions drogues d'une police locale (modèle de suivi SeNe)",
        "source": SRC_SENE,
        "description": (
            "Structure du « Modèle de suivi » de la police locale de SeNe : un pilier de réduction de l'offre "
            "et un pilier d'axes transversaux, découpés en domaines, avec leurs indicateurs de résultat et "
            "d'impact. Adapté aux zones de police et aux polices municipales qui pilotent leur propre plan."
        ),
        "pillars": [
            {
                "kind": "supply_reduction",
                "name": "Réduction de l'offre",
                "description": "Réduire de façon mesurable la disponibilité des drogues illicites et ce qui facilite leur commerce.",
                "axes": [
                    {
                        "name": "Paix publique",
                        "actions": [
                            act(
                                "Organisation d'actions communes",
                                field="Actions transversales",
                                targets="Espaces publics exposés aux nuisances liées aux drogues et à l'alcool",
                                summary="Planifier des opérations conjointes entre les services de la police locale et les partenaires sur les lieux signalés.",
                                competence="commune",
                                cost=1,
                                first_year=True,
                                lead_kind="local_police",
                                indicators=[ind("Nombre d'actions menées")],
                            ),
                        ],
                    },
                    {
                        "name": "Amélioration de la collecte de l'information",
                        "actions": [
                            act(
                                "Recueillir et croiser l'information opérationnelle",
                                field="Actions transversales",
                                summary="Structurer la remontée des informations de terrain (patrouilles, quartiers, partenaires) vers la cellule de coordination.",
                                competence="commune",
                                cost=0,
                                first_year=True,
                                lead_kind="local_police",
                                indicators=[ind("Nombre d'informations")],
                            ),
                        ],
                    },
                    {
                        "name": "Amélioration de l'efficacité du travail de police judiciaire",
                        "actions": [
                            act(
                                "Cibler les trafics locaux à partir du renseignement",
                                field="Actions transversales",
                                summary="Orienter les enquêtes vers les points de vente et les réseaux locaux identifiés.",
                                competence="shared",
                                cost=2,
                                lead_kind="local_police",
                                indicators=[
                                    ind("Nombre de dossiers ouverts"),
                                    ind("Nombre d'amendes"),
                                    ind("Nombre et type de privations de liberté"),
                                ],
                            ),
                            act(
                                "Former les équipes aux nouvelles formes de trafic",
                                field="Organisation de formations",
                                targets="Policiers de terrain et enquêteurs",
                                summary="Sessions sur les ventes par messageries et réseaux sociaux et sur les nouveaux produits.",
                                competence="commune",
                                cost=1,
                                lead_kind="local_police",
                                indicators=[ind("Nombre et type de formations")],
                            ),
                        ],
                    },
                ],
            },
            {
                "kind": "transversal",
                "name": "Axes transversaux",
                "description": "Réduction des risques et des nuisances, connaissance du phénomène, coordination interne et relations avec les autorités.",
                "axes": [
                    {
                        "name": "Réduction des risques, dommages et nuisances",
                        "actions": [
                            act(
                                "Réduction des risques et prise en charge de la population consommatrice",
                                field="Actions transversales",
                                targets="Personnes consommant sur l'espace public, y compris en situation de grande précarité",
                                summary="Associer contrôles, orientation vers les services sociaux et médicaux et réduction des nuisances.",
                                comments="Contrôles d'initiative au départ du règlement général de police",
                                competence="shared",
                                cost=1,
                                first_year=True,
                                lead_kind="local_police",
                                indicators=[ind("Nombre de contrôles, de prises en charge et d'orientations")],
                            ),
                        ],
                    },
                    {
                        "name": "Recherche et information",
                        "actions": [
                            act(
                                "Améliorer l'expertise",
                                field="Études / enquêtes",
                                summary="Produire une analyse régulière de la situation locale et des effets des mesures.",
                                competence="commune",
                                cost=1,
                                lead_kind="local_police",
                                indicators=[ind("Rapport semestriel", unit="text", frequency="half_yearly")],
                            ),
                            act(
                                "Améliorer la gestion des secteurs",
                                field="Système d'alerte",
                                summary="Mettre en place des alertes sur les tendances émergentes (produits, lieux, horaires).",
                                competence="commune",
                                cost=1,
                                lead_kind="local_police",
                                indicators=[ind("Nombre et types d'alertes")],
                            ),
                            act(
                                "Assurer l'efficacité et l'efficience",
                                field="Système qualité",
                                summary="Documenter les procédures et les rendre accessibles aux équipes.",
                                competence="commune",
                                cost=0,
                                lead_kind="local_police",
                                indicators=[
                                    ind("Documentation qualité mise à disposition", unit="yes_no", frequency="yearly")
                                ],
                            ),
                        ],
                    },
                    {
                        "name": "Coordination",
                        "actions": [
                            act(
                                "Suivre les tendances et soutenir le plan d'actions",
                                field="L'optimisation veillera à suivre les tendances ; la direction des opérations soutient le plan d'actions",
                                summary="Réunir le groupe de pilotage, ajuster les actions aux tendances observées.",
                                competence="commune",
                                cost=0,
                                first_year=True,
                                lead_kind="local_police",
                            ),
                        ],
                    },
                ],
            },
        ],
    },
    {
        "code": "prevention-jeunes-trafics",
        "order": 2,
        "name": "Plan local de prévention de l'entrée des jeunes dans les trafics",
        "source": SRC_LOOS,
        "description": (
            "Les six axes d'un plan local conventionné avec la MILDECA et la préfecture pour prévenir "
            "l'enrôlement des jeunes dans les réseaux de trafic : compétences psychosociales, parcours "
            "positifs, jeunes en basculement, familles et habitants, impunité et banalisation, demande."
        ),
        "pillars": [
            {
                "kind": "prevention",
                "name": "Prévention de l'entrée des jeunes dans les trafics",
                "description": "Démarche multi-partenariale (Éducation nationale, parquet, police, associations, ville).",
                "axes": [
                    {
                        "name": "Renforcer les compétences psychosociales des enfants et des adolescents",
                        "description": "Estime de soi, capacité à dire non, résistance à la pression des pairs, par des programmes validés.",
                        "actions": [
                            act(
                                "Déployer un programme validé de compétences psychosociales à l'école",
                                field="Écoles élémentaires et collèges",
                                targets="Élèves de CM1 à la 5e",
                                summary="Séances régulières animées par des intervenants formés, en lien avec les équipes éducatives.",
                                competence="shared",
                                cost=2,
                                first_year=True,
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
                                field="Accueils de loisirs",
                                targets="Animateurs et éducateurs",
                                competence="commune",
                                cost=1,
                                lead_kind="municipal_service",
                                indicators=[ind("Nombre de professionnels formés")],
                            ),
                        ],
                    },
                    {
                        "name": "Promouvoir des parcours positifs et lutter contre les idées reçues sur les trafics",
                        "actions": [
                            act(
                                "Organiser une reconstitution de procès sur le trafic de stupéfiants",
                                field="Collèges et lycées",
                                targets="Élèves de 3e et de seconde",
                                summary="Avec le tribunal, faire vivre aux élèves le déroulement d'une audience et ses conséquences.",
                                competence="shared",
                                cost=1,
                                lead_kind="prosecutor",
                                indicators=[ind("Nombre de séances organisées"), ind("Nombre de jeunes participants")],
                            ),
                            act(
                                "Valoriser des parcours de réussite issus des quartiers",
                                field="Quartiers prioritaires",
                                targets="Jeunes de 12 à 18 ans",
                                summary="Rencontres avec des professionnels et des anciens du quartier, stages d'observation.",
                                competence="commune",
                                cost=1,
                                lead_kind="association",
                                indicators=[ind("Nombre de rencontres organisées")],
                            ),
                        ],
                    },
                    {
                        "name": "Agir sur les parcours individuels des jeunes en phase de basculement dans les trafics",
                        "actions": [
                            act(
                                "Mettre en place une cellule de suivi des situations individuelles",
                                field="Cellule restreinte du CLSPD",
                                targets="Jeunes repérés comme exposés (situations anonymisées dans le plan)",
                                summary="Examen partagé des situations et orientation vers un accompagnement éducatif, social ou d'insertion.",
                                comments="Les échanges nominatifs restent dans la cellule, régie par sa charte ; le plan ne contient que des chiffres.",
                                competence="commune",
                                cost=1,
                                lead_kind="municipal_service",
                                indicators=[
                                    ind("Nombre de situations examinées"),
                                    ind("Nombre de jeunes orientés vers un accompagnement"),
                                ],
                            ),
                            act(
                                "Proposer des chantiers éducatifs rémunérés",
                                field="Insertion",
                                targets="Jeunes de 16 à 25 ans",
                                competence="commune",
                                cost=2,
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
                        "actions": [
                            act(
                                "Animer des groupes de parole et de soutien à la parentalité",
                                field="Centres sociaux",
                                targets="Parents d'adolescents",
                                competence="commune",
                                cost=1,
                                first_year=True,
                                lead_kind="association",
                                indicators=[ind("Nombre de séances"), ind("Nombre de familles participantes")],
                            ),
                            act(
                                "Associer les habitants et les bailleurs à la tranquillité des halls et des pieds d'immeubles",
                                field="Habitat social",
                                targets="Habitants, amicales de locataires, bailleurs",
                                competence="shared",
                                cost=1,
                                lead_kind="municipal_service",
                                indicators=[ind("Nombre de réunions avec les habitants")],
                            ),
                        ],
                    },
                    {
                        "name": "Agir sur le sentiment d'impunité et la banalisation des trafics",
                        "actions": [
                            act(
                                "Rendre visibles les suites judiciaires données aux trafics",
                                field="Communication institutionnelle",
                                targets="Habitants du quartier",
                                summary="Communication régulière du parquet et de la police sur les résultats obtenus.",
                                competence="state",
                                cost=0,
                                lead_kind="prosecutor",
                                indicators=[ind("Nombre de communications publiques")],
                            ),
                            act(
                                "Réinvestir les lieux libérés des points de deal",
                                field="Espaces publics",
                                targets="Habitants",
                                summary="Aménagements, animations et présence des services après le démantèlement d'un point de vente.",
                                competence="commune",
                                cost=2,
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
                        "actions": [
                            act(
                                "Développer les consultations jeunes consommateurs de proximité",
                                field="Santé",
                                targets="Jeunes consommateurs et leur entourage",
                                competence="state",
                                cost=2,
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
        "name": "Programme départemental selon les priorités de la MILDT",
        "source": SRC_MILDT,
        "description": (
            "Un programme annuel construit par le chef de projet et son comité de pilotage autour de cinq "
            "priorités : prévention et rappel de la loi, qualité de l'offre de soins, trafic local et "
            "coordination des services, vente d'alcool aux mineurs, évaluation permanente."
        ),
        "pillars": [
            {
                "kind": "prevention",
                "name": "Réduire la demande par la prévention et le rappel de la loi",
                "axes": [
                    {
                        "name": "Soutenir les parents, premiers acteurs de la prévention",
                        "actions": [
                            act(
                                "Conférences et ateliers pour les parents",
                                targets="Parents d'enfants de 10 à 18 ans",
                                competence="shared",
                                cost=1,
                                first_year=True,
                                lead_kind="association",
                                indicators=[ind("Nombre de parents touchés")],
                            ),
                        ],
                    },
                    {
                        "name": "Prévention en milieu scolaire et dans les lieux de loisirs",
                        "actions": [
                            act(
                                "Interventions de prévention dans les établissements scolaires",
                                targets="Collégiens et lycéens",
                                competence="state",
                                cost=1,
                                lead_kind="education",
                                indicators=[ind("Nombre d'établissements couverts"), ind("Nombre d'élèves touchés")],
                            ),
                        ],
                    },
                    {
                        "name": "Stages de sensibilisation aux dangers de l'usage de stupéfiants",
                        "actions": [
                            act(
                                "Mettre en place les stages avec le parquet",
                                targets="Usagers majeurs peu ou pas dépendants orientés par la justice",
                                competence="state",
                                cost=2,
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
                "axes": [
                    {
                        "name": "Couverture territoriale des dispositifs de prise en charge",
                        "actions": [
                            act(
                                "Cartographier l'offre et ouvrir des consultations jeunes consommateurs avancées",
                                competence="state",
                                cost=2,
                                lead_kind="health_agency",
                                indicators=[ind("Nombre de points de consultation", frequency="yearly")],
                            ),
                        ],
                    },
                    {
                        "name": "Injonctions thérapeutiques et médecins relais",
                        "actions": [
                            act(
                                "Suivre l'effectivité des injonctions thérapeutiques",
                                competence="state",
                                cost=0,
                                lead_kind="prosecutor",
                                indicators=[
                                    ind("Nombre d'injonctions prononcées"),
                                    ind("Nombre de médecins relais désignés", frequency="yearly"),
                                ],
                            ),
                        ],
                    },
                ],
            },
            {
                "kind": "supply_reduction",
                "name": "Réduire le trafic local par une meilleure coordination des services",
                "axes": [
                    {
                        "name": "Coordination police, gendarmerie et douane",
                        "actions": [
                            act(
                                "Réunir le comité départemental de sécurité sur les stupéfiants",
                                competence="state",
                                cost=0,
                                first_year=True,
                                lead_kind="prefecture",
                                indicators=[ind("Nombre de réunions", frequency="yearly")],
                            ),
                        ],
                    },
                    {
                        "name": "Moyens d'investigation spécifiques",
                        "actions": [
                            act(
                                "Financer des moyens d'investigation décidés en comité de pilotage",
                                comments="Pas l'équipement courant des forces de l'ordre.",
                                competence="state",
                                cost=3,
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
                "axes": [
                    {
                        "name": "Contrôles et information des débitants",
                        "actions": [
                            act(
                                "Informer les débitants et contrôler la réglementation",
                                targets="Commerces et débits de boissons",
                                competence="shared",
                                cost=1,
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
                "axes": [
                    {
                        "name": "Diagnostic de territoire et indicateurs clés de tendance",
                        "actions": [
                            act(
                                "Construire le diagnostic avec l'observatoire régional",
                                competence="state",
                                cost=1,
                                lead_kind="prefecture",
                                indicators=[
                                    ind("Diagnostic de territoire mis à jour", unit="yes_no", frequency="yearly")
                                ],
                            ),
                        ],
                    },
                    {
                        "name": "Bilan annuel et rythme d'engagement des crédits",
                        "actions": [
                            act(
                                "Produire le bilan annuel formaté et engager les crédits à rythme régulier",
                                comments="Le solde des crédits est versé au vu du bilan de l'année précédente.",
                                competence="state",
                                cost=0,
                                first_year=True,
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


def measure(code, title, description, *, pillar, size, competence, cost, first_year=False, source, indicators=()):
    return {
        "code": code,
        "title": title,
        "description": description,
        "pillar_kind": pillar,
        "commune_size": size,
        "competence": competence,
        "cost_class": cost,
        "first_year": first_year,
        "source": source,
        "indicator_suggestions": list(indicators),
    }


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
        source=SRC_TOOLBOX,
        indicators=[ind("Nombre de signalements transmis")],
    ),
    measure(
        "operations-conjointes-espace-public",
        "Mener des opérations conjointes sur les lieux de nuisance",
        "Planifier avec les forces de l'État des présences et contrôles coordonnés sur les lieux identifiés par le diagnostic.",
        pillar="supply_reduction",
        size="all",
        competence="commune",
        cost=1,
        first_year=True,
        source=SRC_SENE,
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
        source=SRC_SENE,
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
        source=SRC_SENE,
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
        source=SRC_TOOLBOX,
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
        source=SRC_LOOS,
        indicators=[ind("Nombre de sites réaménagés"), ind("Nombre de points de deal actifs", kind="impact")],
    ),
    measure(
        "comite-departemental-stupefiants",
        "Réunir régulièrement l'instance départementale sur les stupéfiants",
        "Un ordre du jour consacré au trafic et à l'usage, avec l'autorité judiciaire, pour coordonner police, gendarmerie et douane.",
        pillar="supply_reduction",
        size="all",
        competence="intercommunality",
        cost=0,
        source=SRC_MILDT,
        indicators=[ind("Nombre de réunions", frequency="yearly")],
    ),
    measure(
        "controle-alcool-mineurs",
        "Contrôler l'interdiction de vente d'alcool aux mineurs",
        "Informer les commerces et débits de boissons, puis contrôler avec les forces de l'ordre.",
        pillar="law_enforcement",
        size="all",
        competence="commune",
        cost=1,
        first_year=True,
        source=SRC_MILDT,
        indicators=[ind("Nombre de commerces informés"), ind("Nombre de contrôles")],
    ),
    measure(
        "arretes-alcool-espace-public",
        "Encadrer la consommation d'alcool sur l'espace public",
        "Arrêtés ciblés dans le temps et l'espace, accompagnés d'une information des riverains et des commerces.",
        pillar="law_enforcement",
        size="all",
        competence="commune",
        cost=0,
        first_year=True,
        source=SRC_SENE,
        indicators=[ind("Nombre de verbalisations")],
    ),
    # Prevention
    measure(
        "campagnes-addictions",
        "Mener des campagnes de prévention de toutes les addictions",
        "Tabac, alcool, drogues, jeux d'argent et écrans : des campagnes locales adaptées aux publics, co-construites avec les associations.",
        pillar="prevention",
        size="all",
        competence="commune",
        cost=1,
        first_year=True,
        source=SRC_TOOLBOX,
        indicators=[ind("Nombre de campagnes menées"), ind("Nombre de personnes touchées")],
    ),
    measure(
        "formations-colleges-lycees",
        "Former les collégiens et lycéens aux risques et aux techniques de recrutement",
        "Des interventions d'agents formés ou d'associations sur les produits en circulation et sur la manière dont les réseaux attirent et retiennent les plus jeunes.",
        pillar="prevention",
        size="medium_large",
        competence="intercommunality",
        cost=1,
        source=SRC_TOOLBOX,
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
        source=SRC_TOOLBOX,
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
        source=SRC_LOOS,
        indicators=[ind("Nombre de classes bénéficiaires"), ind("Nombre d'élèves bénéficiaires")],
    ),
    measure(
        "proces-reconstitue",
        "Organiser des reconstitutions de procès avec le tribunal",
        "Faire comprendre aux adolescents ce qu'encourt un guetteur ou un revendeur, avec magistrats et avocats.",
        pillar="prevention",
        size="medium_large",
        competence="shared",
        cost=1,
        source=SRC_LOOS,
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
        source=SRC_LOOS,
        indicators=[ind("Nombre de jeunes accompagnés")],
    ),
    measure(
        "soutien-parentalite",
        "Soutenir les parents, premiers acteurs de la prévention",
        "Groupes de parole, ateliers et permanences pour renforcer le discours éducatif des parents.",
        pillar="prevention",
        size="all",
        competence="commune",
        cost=1,
        first_year=True,
        source=SRC_MILDT,
        indicators=[ind("Nombre de familles participantes")],
    ),
    measure(
        "implication-habitants",
        "Associer les habitants et les bailleurs à la prévention des trafics",
        "Marches exploratoires, réunions de résidence, signalements facilités des occupations de halls.",
        pillar="prevention",
        size="medium_large",
        competence="commune",
        cost=0,
        source=SRC_LOOS,
        indicators=[ind("Nombre de réunions avec les habitants")],
    ),
    measure(
        "stages-sensibilisation",
        "Développer les stages de sensibilisation aux dangers des stupéfiants",
        "Une réponse judiciaire éducative pour les usagers peu ou pas dépendants, organisée avec le parquet.",
        pillar="prevention",
        size="all",
        competence="intercommunality",
        cost=1,
        source=SRC_MILDT,
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
        source=SRC_FFSU,
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
        source=SRC_LOOS,
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
        source=SRC_TOOLBOX,
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
        source=SRC_FFSU,
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
        source=SRC_SENE,
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
        source=SRC_FFSU,
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
        size="all",
        competence="commune",
        cost=0,
        source=SRC_TOOLBOX,
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
        source=SRC_TOOLBOX,
        indicators=[
            ind("Nombre de personnes accompagnées"),
            ind("Délai d'attente pour un premier rendez-vous (jours)", kind="impact"),
        ],
    ),
    measure(
        "consultations-jeunes-consommateurs",
        "Développer les consultations jeunes consommateurs",
        "Des permanences de proximité pour les jeunes et leur famille, en lien avec les CSAPA.",
        pillar="care",
        size="all",
        competence="intercommunality",
        cost=2,
        source=SRC_MILDT,
        indicators=[ind("Nombre de jeunes reçus")],
    ),
    measure(
        "medecins-relais",
        "Rendre effectives les injonctions thérapeutiques",
        "Désigner des médecins relais et suivre les orientations avec le parquet.",
        pillar="care",
        size="all",
        competence="intercommunality",
        cost=0,
        source=SRC_MILDT,
        indicators=[ind("Nombre d'injonctions suivies")],
    ),
    measure(
        "parcours-sortie-delinquance",
        "Proposer des parcours de sortie des trafics",
        "Accompagner des jeunes revendeurs ou anciens revendeurs vers une insertion sociale et professionnelle hors de l'économie de la drogue.",
        pillar="care",
        size="all",
        competence="commune",
        cost=2,
        source=SRC_TOOLBOX,
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
        source=SRC_LOOS,
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
        source=SRC_SENE,
        indicators=[ind("Nombre de réunions du groupe de pilotage")],
    ),
    measure(
        "diagnostic-territoire",
        "Construire un diagnostic local avec quelques indicateurs clés",
        "S'appuyer sur les données de l'OFDT, de l'observatoire régional et des partenaires pour suivre les tendances.",
        pillar="transversal",
        size="all",
        competence="intercommunality",
        cost=1,
        first_year=True,
        source=SRC_MILDT,
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
        source=SRC_SENE,
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
        source=SRC_SENE,
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
        source=SRC_FFSU,
        indicators=[ind("Nombre de rencontres suivies", frequency="yearly")],
    ),
    measure(
        "engagement-credits-regulier",
        "Engager les crédits à un rythme régulier",
        "Programmer les engagements sur l'année pour éviter la concentration au dernier trimestre et la perte de crédits.",
        pillar="transversal",
        size="all",
        competence="intercommunality",
        cost=0,
        first_year=True,
        source=SRC_MILDT,
        indicators=[
            ind("Part des crédits engagés avant le quatrième trimestre", unit="percentage", frequency="yearly")
        ],
    ),
]
