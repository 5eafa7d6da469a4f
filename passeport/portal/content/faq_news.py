"""The FAQ, the news of the service (dated) and the index of service-public.fr fiches."""

import datetime

from . import Spec, faq, ref

FAQ = Spec(
    key="faq",
    model="ContentPage",
    slug="questions-frequentes",
    title="Questions fréquentes",
    in_menu=True,
    intro="Les questions les plus posées sur le passeport de compétences et le passeport de prévention.",
    search_description="Questions fréquentes : passeport, prévention, consentement, délais, CPF.",
    body=[
        faq(
            "Le passeport",
            (
                "Quelle différence entre une donnée garantie et une donnée déclarée ?",
                "<p>Une donnée garantie vient d'une source qui fait foi (DSN de l'employeur, "
                "certificateur, organisme de formation, Mon Compte Formation) : elle a valeur "
                "probante. Une donnée déclarée est ajoutée par le titulaire et n'est pas "
                "garantie.</p>",
            ),
            (
                "Un recruteur peut-il vérifier mon CV ?",
                "<p>Oui : le CV et les attestations sont des PDF scellés, avec un QR code vers leur "
                "page de vérification, et des attestations numériques vérifiables. Le recruteur "
                "vérifie sans compte, sur la page « Vérifier un document ».</p>",
            ),
        ),
        faq(
            "Le passeport de prévention",
            (
                "ADF ou JDR ?",
                "<p>L'attestation de formation (ADF) prouve que la formation a été suivie ; le "
                "justificatif de réussite (JDR) prouve des compétences évaluées. Quand une "
                "formation donne les deux, seul le JDR est déclaré (décret n° 2025-748).</p>",
            ),
            (
                "Une déclaration peut-elle être modifiée ?",
                "<p>Ici, oui : l'organisme qui a déclaré corrige une ligne ou l'annule, avec un "
                "motif ; l'entrée du passeport devient une nouvelle version et l'historique est "
                "conservé. L'employeur nommé peut demander une correction pendant 6 mois après le "
                "trimestre.</p>",
            ),
            (
                "Combien de temps une formation reste-t-elle valide ?",
                "<p>La date de fin de validité déclarée prime. Sans elle, le service applique la "
                "période du catalogue (par exemple 24 mois pour le SST, 5 ans pour la plupart des "
                "CACES®, 3 ans pour l'habilitation électrique). Voir les pages des familles de "
                "risques.</p>",
            ),
        ),
        faq(
            "Le compte personnel de formation",
            (
                "Combien mon CPF est-il crédité chaque année ?",
                "<p>500 € par an (plafond 5 000 €) pour un salarié ayant travaillé au moins à "
                "mi-temps, 800 € (plafond 8 000 €) pour un salarié peu qualifié ou handicapé, au "
                "prorata en dessous du mi-temps ; arrondi au centime supérieur (art. R. 6323-1).</p>",
            ),
            (
                "Qu'est-ce que la participation forfaitaire ?",
                "<p>Une somme à votre charge à chaque achat de formation avec le CPF : 103,20 € en "
                "2026. Les demandeurs d'emploi en sont exonérés, comme les formations cofinancées "
                "par l'employeur.</p>",
            ),
        ),
        (
            "references",
            [ref("Code du travail, art. L. 4141-5 et L. 6323-8"), ref("Décret n° 2025-748")],
        ),
    ],
)

NEWS_INDEX = Spec(
    key="actualites",
    model="NewsIndexPage",
    slug="actualites",
    title="Actualités du service",
    in_menu=True,
    intro="Les ouvertures et les échéances du passeport, par date.",
)

_NEWS = [
    (
        datetime.date(2021, 8, 2),
        "loi-sante-au-travail",
        "La loi crée le passeport de prévention",
        "La loi du 2 août 2021 pour renforcer la prévention en santé au travail crée le passeport de prévention.",
        "<p>L'article L. 4141-5 du code du travail prévoit un passeport de prévention qui "
        "recense les attestations, certificats et diplômes obtenus dans le cadre des formations "
        "en santé et sécurité au travail. Il est intégré au passeport d'orientation, de formation "
        "et de compétences (art. L. 6323-8).</p>",
    ),
    (
        datetime.date(2022, 10, 25),
        "franceconnect-plus",
        "FranceConnect+ pour acheter une formation avec son CPF",
        "Depuis le 25 octobre 2022, l'achat d'une formation avec le CPF demande FranceConnect+.",
        "<p>L'identification renforcée protège les droits des titulaires contre les fraudes. "
        "La consultation du passeport reste possible avec FranceConnect.</p>",
    ),
    (
        datetime.date(2026, 3, 1),
        "ouverture-import-en-masse",
        "Ouverture de l'import en masse des déclarations de prévention",
        "Les organismes de formation et les employeurs déclarent par fichier (ADF et JDR) ou par API.",
        "<p>Le fichier officiel (séparateur |, UTF-8, jusqu'à 200 Mo) est accepté ligne par "
        "ligne, chaque rejet avec sa colonne et son motif. Les délais de déclaration des "
        "trimestres terminés avant cette ouverture sont prolongés de 3 mois.</p>",
    ),
    (
        datetime.date(2026, 6, 30),
        "fin-transition-organismes",
        "Fin de la période transitoire pour les organismes de formation",
        "Jusqu'au 30 juin 2026, les organismes ne déclarent que les catégories 1 et 2.",
        "<p>Après cette date, les quatre catégories de formations éligibles sont déclarées par "
        "les organismes de formation (décret n° 2025-748, art. 4).</p>",
    ),
    (
        datetime.date(2026, 9, 30),
        "fin-transition-employeurs",
        "Fin de la période transitoire pour les employeurs",
        "Jusqu'au 30 septembre 2026, les employeurs ne déclarent que les catégories 1 et 2.",
        "<p>Après cette date, les employeurs déclarent aussi les formations des catégories 3 et "
        "4 qu'ils dispensent eux-mêmes, dans les 6 mois qui suivent la fin du trimestre.</p>",
    ),
]

NEWS = [
    Spec(
        key=f"actualite-{slug}",
        model="NewsPage",
        slug=slug,
        parent="actualites",
        title=title,
        intro=intro,
        search_description=intro,
        body=[("paragraph", text)],
        extra={"date": date},
    )
    for date, slug, title, intro, text in _NEWS
]

FICHES = Spec(
    key="fiches",
    model="FicheIndexPage",
    slug="vos-droits",
    title="Vos droits : fiches service-public.fr",
    in_menu=True,
    intro=(
        "Les fiches « Vos droits et démarches » de service-public.fr sur la formation, le CPF et "
        "la santé au travail, reprises avec leur source et leur date."
    ),
)

SPECS = [FAQ, NEWS_INDEX, *NEWS, FICHES]
