"""Pages for employers, training providers, certifiers and funders."""

from . import Spec, ref, tile

EMPLOYERS = Spec(
    key="employeurs",
    model="ContentPage",
    slug="employeurs",
    title="Employeurs",
    in_menu=True,
    intro=(
        "Vos obligations de formation à la sécurité, ce que vous déclarez dans le passeport de "
        "prévention et quand, la vérification des déclarations des organismes, et le suivi de vos "
        "salariés avec leur accord."
    ),
    search_description="Obligations, déclarations et délais, vérification, tableau de suivi, consentement.",
    body=[
        ("heading", "Vos obligations"),
        (
            "paragraph",
            "<p>L'employeur prend les mesures nécessaires pour assurer la sécurité et protéger la "
            "santé des travailleurs, dont des actions de formation (obligation générale de "
            "prévention). Le passeport de prévention recense les formations en santé et sécurité "
            "au travail de vos salariés et vous aide à suivre leurs échéances.</p>",
        ),
        ("heading", "Ce que vous déclarez, et quand"),
        (
            "paragraph",
            "<ul><li>Les formations que vous dispensez vous-même à vos salariés : dans les "
            "<strong>6 mois</strong> qui suivent la fin du trimestre de la formation.</li>"
            "<li>Une attestation de formation (ADF) prouve la présence ; un justificatif de "
            "réussite (JDR) prouve des compétences évaluées (diplôme, titre, habilitation, "
            "certificat). Quand une formation donne les deux, déclarez le JDR seulement.</li>"
            "<li>Pendant la période transitoire, seules les catégories 1 (formations obligatoires "
            "entièrement encadrées) et 2 (formations menant à une autorisation ou habilitation) "
            "sont déclarées, jusqu'au 30 septembre 2026 pour les employeurs.</li>"
            "<li>Tant que l'import en masse n'est pas ouvert, les délais sont prolongés de 3 "
            "mois.</li></ul>",
        ),
        ("heading", "Vérifier les déclarations des organismes de formation"),
        (
            "paragraph",
            "<p>Pour une formation que vous avez demandée, vous confirmez la déclaration de "
            "l'organisme ou demandez une correction dans les 6 mois qui suivent la fin du "
            "trimestre. Sans réponse dans ce délai, la déclaration est réputée vérifiée. Si "
            "l'organisme n'a pas déclaré dans ses 3 mois, vous pouvez déclarer à sa place "
            "(reprise) dans les 9 mois qui suivent.</p>",
        ),
        ("heading", "Le tableau de suivi et le consentement"),
        (
            "paragraph",
            "<p>Le tableau de suivi montre, pour chaque salarié, ses formations valides, "
            "arrivant à échéance ou expirées, et les formations manquantes exigées par ses "
            "postes, par famille de risques. Vous ne voyez que ce que chaque salarié vous permet "
            "de voir ; chaque consultation est inscrite dans son journal des accès.</p>",
        ),
        (
            "references",
            [
                ref(
                    "Code du travail, art. L. 4121-1 et L. 4121-2 (obligation générale de prévention)"
                ),
                ref("Code du travail, art. L. 4141-5 (passeport de prévention)"),
                ref("Décret n° 2022-1712 et décret n° 2025-748 (contenu, délais, catégories)"),
            ],
        ),
        (
            "tiles",
            [
                tile(
                    "Espace professionnel", "Se connecter avec ProConnect.", service="pro:dashboard"
                ),
                tile("Une formation est-elle éligible ?", service="public:prevention_eligibility"),
            ],
        ),
    ],
)

PROVIDERS = Spec(
    key="organismes-de-formation",
    model="ContentPage",
    slug="organismes-de-formation",
    title="Organismes de formation",
    in_menu=True,
    intro=(
        "Quelles formations déclarer dans le passeport de prévention, ADF ou JDR, dans quels "
        "délais, et comment : formulaire, import de fichier ou API."
    ),
    search_description="Formations éligibles, ADF et JDR, délais, import en masse, API.",
    body=[
        ("heading", "Quelles formations ?"),
        (
            "paragraph",
            "<p>Une formation entre dans le passeport de prévention si elle sert la prévention des "
            "risques ou l'obligation générale de formation, donne lieu à une ADF ou un JDR au "
            "bénéfice d'un titulaire de CPF, et si ses compétences se transfèrent à tout poste "
            "exposé à des risques semblables. Quatre catégories : (1) formations obligatoires "
            "entièrement encadrées (PCR, amiante SS3/SS4, diisocyanates…) ; (2) formations menant à "
            "une autorisation ou habilitation de l'employeur (CACES, habilitation électrique…) ; "
            "(3) formations dont l'objectif est fixé par un texte ; (4) formations relevant de "
            "l'obligation générale.</p>"
            "<p>Exclues : formation de formateurs, accueil au poste, sécurité des personnes et des "
            "biens (sauf SST), formation des élus du CSE, formations de préventeurs (sauf salarié "
            "compétent, PCR et conseiller hyperbare).</p>",
        ),
        ("heading", "Délais"),
        (
            "paragraph",
            "<p>Vous déclarez dans les <strong>3 mois</strong> qui suivent la fin du trimestre au "
            "cours duquel la formation s'est terminée (ADF) ou la validité du JDR a commencé. "
            "Jusqu'au 30 juin 2026, seules les catégories 1 et 2 sont déclarées. Les formations "
            "achetées et suivies avec le CPF sont inscrites automatiquement : ne les déclarez "
            "pas.</p>",
        ),
        ("heading", "Comment déclarer"),
        (
            "paragraph",
            "<ul><li>Formulaire en ligne : une formation et ses stagiaires (NIR sur 13 caractères "
            "et nom de naissance).</li><li>Import de fichier CSV (séparateur |, UTF-8, 20 colonnes "
            "ADF ou 29 colonnes JDR, jusqu'à 200 Mo) ou XLSX : chaque ligne est acceptée ou "
            "rejetée avec sa colonne et son motif.</li><li>API JSON pour vos logiciels (OAuth2, "
            "droit <code>prevention:declare</code>).</li></ul>"
            "<p>Chaque <code>ID_UNIQUE_PARTENAIRE</code> est unique pour toujours : le renvoyer est "
            "une double déclaration.</p>",
        ),
        (
            "references",
            [
                ref("Code du travail, art. L. 4141-5"),
                ref("Décret n° 2025-748, art. 4 (formations éligibles et catégories)"),
                ref("Code du travail, art. R. 4141-13 (formation à l'accueil au poste, exclue)"),
                ref("Code du travail, art. R. 4224-15 (sauveteur secouriste du travail)"),
            ],
        ),
        (
            "tiles",
            [
                tile("Une formation est-elle éligible ?", service="public:prevention_eligibility"),
                tile(
                    "Espace professionnel", "Se connecter avec ProConnect.", service="pro:dashboard"
                ),
            ],
        ),
    ],
)

CERTIFIERS = Spec(
    key="certificateurs",
    model="ContentPage",
    slug="certificateurs",
    title="Certificateurs",
    in_menu=True,
    intro="L'accrochage : transmettre les titulaires des certifications RNCP et RS que vous délivrez.",
    search_description="Accrochage des certifications RNCP et RS : délai, format XML, accusés.",
    body=[
        (
            "paragraph",
            "<p>Les certificateurs des certifications enregistrées au RNCP ou au répertoire "
            "spécifique (RS), actives au 1er juillet 2021 ou après, transmettent chaque titulaire "
            "dans les <strong>3 mois</strong> qui suivent sa certification. À défaut : mise en "
            "demeure, puis France compétences peut suspendre la certification.</p>"
            "<p>Le fichier est un XML conforme au schéma de la Caisse des Dépôts (version 1.1.2 ; "
            "les ajouts de la version 1.1.5, action de création ou de suppression et "
            "identification par NIR, sont acceptés). Vous recevez un accusé de traitement qui "
            "liste les passages acceptés et rejetés, avec leur motif : ne renvoyez que les "
            "rejetés. Un tiers de confiance mandaté peut déposer pour vous.</p>",
        ),
        (
            "references",
            [
                ref("Code du travail, art. L. 6113-8"),
                ref("Code du travail, art. R. 6113-17-1 à R. 6113-17-3"),
            ],
        ),
        ("tiles", [tile("Espace certificateur", service="certifier:home")]),
    ],
)

FUNDERS = Spec(
    key="financeurs",
    model="ContentPage",
    slug="financeurs",
    title="Financeurs",
    in_menu=True,
    intro=(
        "Employeurs, OPCO, Régions, France Travail : compléter les droits CPF de vos "
        "bénéficiaires, par dotation ou par co-construction."
    ),
    search_description="Dotations, abondement correctif, co-construction, ordre de mobilisation.",
    body=[
        (
            "paragraph",
            "<ul><li><strong>Dotations</strong> : volontaires ; droits supplémentaires prévus par un "
            "accord collectif ; <strong>abondement correctif de 3 000 €</strong> par salarié dans les "
            "entreprises d'au moins 50 salariés qui n'ont pas tenu les entretiens professionnels ; "
            "3 000 € après un licenciement consécutif au refus d'un accord de performance "
            "collective. Une dotation est créditée quand la Caisse des Dépôts a reçu le virement, "
            "dont le libellé suit la forme <code>CPF-SIREN-CVCV-JJMMAA</code>.</li>"
            "<li>Depuis le décret n° 2025-341 du 14 avril 2025, un financeur peut réserver ses "
            "droits supplémentaires à des actions choisies et fixer une date après laquelle ce qui "
            "n'est pas utilisé lui est reversé.</li>"
            "<li><strong>Co-construction</strong> : une convention avec la Caisse des Dépôts et des "
            "règles (bénéficiaire, formation, montant) ; Mon Compte Formation propose alors "
            "l'abondement au moment de l'achat.</li></ul>",
        ),
        (
            "references",
            [
                ref("Code du travail, art. L. 6323-4 et R. 6333-3"),
                ref("Décret n° 2021-1916 (abondement correctif)"),
                ref("Décret n° 2025-341 du 14 avril 2025"),
            ],
        ),
    ],
)

SPECS = [EMPLOYERS, PROVIDERS, CERTIFIERS, FUNDERS]
