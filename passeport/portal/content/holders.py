"""The portal's home and the page for workers and job seekers (titulaires)."""

from . import Spec, faq, ref, tile

HOME = Spec(
    key="portail",
    model="PortalHomePage",
    slug="portail",
    parent="",
    title="Portail d'information du passeport de compétences et de prévention",
    intro=(
        "Ce que contient le passeport, qui le remplit, qui peut le voir, et ce que chacun doit "
        "déclarer et quand : pour les titulaires, les employeurs, les organismes de formation, "
        "les certificateurs et les financeurs."
    ),
    body=[
        ("heading", "Vous êtes"),
        (
            "tiles",
            [
                tile("Titulaire", "Salarié, indépendant, demandeur d'emploi.", page="titulaires"),
                tile("Employeur", "Obligations, déclarations, suivi.", page="employeurs"),
                tile(
                    "Organisme de formation",
                    "ADF, JDR, délais, import.",
                    page="organismes-de-formation",
                ),
                tile(
                    "Certificateur",
                    "Accrochage des certifications RNCP et RS.",
                    page="certificateurs",
                ),
                tile("Financeur", "Dotations et abondements du CPF.", page="financeurs"),
            ],
        ),
        ("heading", "Prévention des risques professionnels"),
        (
            "paragraph",
            "<p>Le passeport de prévention classe les formations en santé et sécurité au travail "
            "en six familles de risques : biologiques, radiologiques, chimiques, équipements et "
            "machines, environnement de travail, psychosociaux. Chaque famille a sa page, avec les "
            "formations types et leur durée de validité.</p>",
        ),
        ("tiles", [tile("Les six familles de risques", page="risques")]),
        ("heading", "Les services en ligne"),
        (
            "tiles",
            [
                tile(
                    "Une formation entre-t-elle dans le passeport de prévention ?",
                    "Quelques questions, la réponse et la règle qui s'applique.",
                    service="public:prevention_eligibility",
                ),
                tile(
                    "Vérifier un document",
                    "CV ou attestation scellés, attestation numérique, lien de partage.",
                    service="public:verify",
                ),
                tile("Mon espace", "Se connecter avec FranceConnect.", service="holder:dashboard"),
                tile(
                    "Espace professionnel", "Se connecter avec ProConnect.", service="pro:dashboard"
                ),
            ],
        ),
        (
            "tiles",
            [
                tile("Questions fréquentes", page="faq"),
                tile("Actualités du service", page="actualites"),
                tile("Vos droits : fiches service-public.fr", page="fiches"),
            ],
        ),
    ],
)

HOLDERS = Spec(
    key="titulaires",
    model="ContentPage",
    slug="titulaires",
    title="Titulaires : salariés, indépendants et demandeurs d'emploi",
    in_menu=True,
    intro=(
        "Votre passeport rassemble votre carrière, vos formations, vos diplômes et vos formations "
        "en santé et sécurité au travail. Il est privé : vous seul décidez de ce que vous partagez."
    ),
    search_description="Ce que contient le passeport, qui le voit, consentement, corrections, droits CPF et CEC.",
    body=[
        ("heading", "Qui a un passeport ?"),
        (
            "paragraph",
            "<p>Toute personne titulaire d'un compte personnel de formation (CPF), dès 15 ans, "
            "avec un numéro de sécurité sociale. Le passeport est valable toute la vie. Vous vous "
            "connectez avec FranceConnect ; FranceConnect+ est exigé pour acheter une formation "
            "avec vos droits depuis le 25 octobre 2022.</p>",
        ),
        ("heading", "Ce qu'il contient"),
        (
            "paragraph",
            "<ul><li><strong>Des données garanties</strong>, préchargées depuis des sources qui font "
            "foi : vos périodes d'emploi déclarées par vos employeurs dans la DSN, les formations "
            "suivies avec votre CPF, les diplômes et certifications transmis par les certificateurs, "
            "vos activités du compte d'engagement citoyen, les formations en santé et sécurité "
            "déclarées par les organismes de formation et les employeurs.</li>"
            "<li><strong>Des données déclarées</strong> par vous : expériences, bénévolat, diplômes "
            "étrangers, compétences, langues, permis, formations suivies de votre propre "
            "initiative. Elles ne sont pas garanties.</li></ul>",
        ),
        ("heading", "Qui peut le voir"),
        (
            "paragraph",
            "<p>Personne d'autre que vous tant que vous ne publiez rien. Vous publiez entrée par "
            "entrée, puis partagez un CV ou une attestation scellés, ou un lien de partage que vous "
            "pouvez révoquer. Toute consultation de vos données par une autre personne est inscrite "
            "dans un journal que vous consultez dans « Mes données et accès ».</p>"
            "<p>Vos formations de prévention ne sont visibles par un employeur qu'avec votre "
            "consentement : toutes, une partie choisie, ou aucune (le choix par défaut). Vous "
            "changez d'avis à tout moment, pour chaque employeur.</p>",
        ),
        ("heading", "Vérifier et faire corriger"),
        (
            "paragraph",
            "<p>Une donnée garantie ne se modifie pas : si elle est fausse, signalez-la depuis sa "
            "page. Le signalement part à l'organisme qui l'a déclarée ; la correction arrive comme "
            "une nouvelle version, et l'ancienne reste dans l'historique. Vos formations de "
            "prévention sont classées par famille de risques, avec leur état : valide, expire "
            "bientôt (90 jours), expirée. Vous recevez un rappel 90 jours, 30 jours avant "
            "l'échéance, puis à l'échéance.</p>",
        ),
        ("heading", "Vos droits à la formation : CPF et compte d'engagement citoyen"),
        (
            "paragraph",
            "<ul><li>Salarié ayant travaillé au moins la moitié de la durée légale ou conventionnelle "
            "de l'année : 500 € par an, plafond 5 000 € ; au prorata en dessous. 800 € par an, "
            "plafond 8 000 €, pour les salariés peu qualifiés (pas de diplôme de niveau 3, CAP ou "
            "BEP) et les travailleurs handicapés. Les droits d'une année sont crédités au premier "
            "semestre de l'année suivante, à partir de la DSN.</li>"
            "<li>Agents publics : 25 heures par an, plafond 150 heures (50 et 400 heures pour les "
            "agents de catégorie C peu qualifiés). Conversion entre euros et heures à 15 € de "
            "l'heure lors d'un changement de statut, à votre initiative.</li>"
            "<li>Compte d'engagement citoyen : 240 € par activité et par an, plafond 720 € "
            "(service civique, réserves, sapeur-pompier volontaire, bénévolat associatif…).</li>"
            "<li>Participation forfaitaire à chaque achat de formation : 103,20 € en 2026, sauf "
            "exonérations (demandeurs d'emploi, formation cofinancée par l'employeur…).</li></ul>",
        ),
        faq(
            "Questions des titulaires",
            (
                "Mon employeur voit-il mon passeport ?",
                "<p>Non. Il ne voit vos formations de prévention que si vous le lui permettez, et "
                "rien d'autre. Vous choisissez dans « Mon passeport de prévention ».</p>",
            ),
            (
                "Une formation de prévention manque. Que faire ?",
                "<p>L'organisme de formation a 3 mois après la fin du trimestre pour la déclarer, "
                "l'employeur 6 mois pour les formations qu'il dispense lui-même. Après ces délais, "
                "vous pouvez l'ajouter vous-même : elle sera « déclarée », non garantie.</p>",
            ),
        ),
        (
            "references",
            [
                ref(
                    "Code du travail, art. L. 6323-8 (passeport d'orientation, de formation et de compétences)"
                ),
                ref("Code du travail, art. L. 4141-5 (passeport de prévention)"),
                ref("Code du travail, art. L. 6323-11 et R. 6323-1 (alimentation du CPF)"),
                ref("Code du travail, art. L. 5151-7 et suivants (compte d'engagement citoyen)"),
                ref("Décret n° 2024-394 (participation forfaitaire)"),
            ],
        ),
        (
            "tiles",
            [
                tile("Mon espace", "Se connecter avec FranceConnect.", service="holder:dashboard"),
                tile("Mon passeport de prévention", service="holder:prevention"),
            ],
        ),
    ],
)

SPECS = [HOME, HOLDERS]
