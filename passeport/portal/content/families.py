"""The risk families of the passeport de prévention: an index page and one page per family
(the catalogue's trainings of the family are drawn by the page template from the code)."""

from passeport.prevention.catalogue import RiskFamily

from . import Spec, ref, tile

INDEX = Spec(
    key="risques",
    model="ContentPage",
    slug="risques",
    title="Les six familles de risques professionnels",
    in_menu=True,
    intro=(
        "Le passeport de prévention range les formations en santé et sécurité au travail par "
        "famille de risques. Une formation peut couvrir plusieurs familles."
    ),
    search_description="Risques biologiques, radiologiques, chimiques, équipements et machines, environnement de travail, psychosociaux.",
    body=[
        (
            "tiles",
            [tile(family.label, page=f"famille-{family.value}") for family in RiskFamily],
        ),
        (
            "paragraph",
            "<p>Tous les métiers comportent des risques. L'employeur les évalue et les transcrit "
            "dans le document unique d'évaluation des risques professionnels, puis forme ses "
            "salariés à s'en protéger. La durée de validité indiquée pour chaque formation est "
            "celle que le service applique quand la déclaration ne donne pas de date de fin : "
            "une date de fin déclarée prime toujours.</p>",
        ),
        (
            "references",
            [
                ref(
                    "Code du travail, art. L. 4121-1 à L. 4121-3 (évaluation et prévention des risques)"
                ),
                ref("Code du travail, art. R. 4121-1 (document unique)"),
            ],
        ),
    ],
)

_TEXTS = {
    RiskFamily.BIOLOGICAL: (
        "risques-biologiques",
        "Exposition à des agents biologiques : bactéries, virus, champignons, parasites, "
        "par contact avec des personnes, des animaux, des déchets ou des eaux usées.",
        "<p>Soins, laboratoires, collecte et traitement des déchets, assainissement, élevage, "
        "agroalimentaire. L'employeur informe et forme les travailleurs exposés sur les risques, "
        "les précautions d'hygiène, le port des équipements de protection et la conduite à tenir "
        "en cas d'accident (par exemple un accident d'exposition au sang).</p>",
        [
            ref("Code du travail, art. R. 4421-1 et suivants (agents biologiques)"),
            ref("Code du travail, art. R. 4425-6 (formation)"),
        ],
    ),
    RiskFamily.RADIOLOGICAL: (
        "risques-radiologiques",
        "Exposition aux rayonnements ionisants : imagerie médicale, contrôle industriel, "
        "installations nucléaires.",
        "<p>Les travailleurs classés ou intervenant en zone délimitée reçoivent une formation à la "
        "radioprotection, renouvelée au moins tous les trois ans. L'employeur désigne un conseiller "
        "en radioprotection, qui peut être une personne compétente en radioprotection (PCR) "
        "certifiée.</p>",
        [
            ref("Code du travail, art. R. 4451-58 et R. 4451-59 (formation des travailleurs)"),
            ref("Code du travail, art. R. 4451-125 (PCR)"),
        ],
    ),
    RiskFamily.CHEMICAL: (
        "risques-chimiques",
        "Agents chimiques dangereux, agents cancérogènes, mutagènes ou toxiques pour la "
        "reproduction (CMR), amiante, atmosphères explosives.",
        "<p>Les travailleurs exposés sont formés aux dangers des produits, aux règles d'hygiène et "
        "aux protections. Certaines formations sont entièrement encadrées par la réglementation, "
        "comme la prévention du risque amiante (sous-sections 3 et 4) ou l'utilisation sûre des "
        "diisocyanates.</p>",
        [
            ref("Code du travail, art. R. 4412-38 (formation, agents chimiques)"),
            ref("Code du travail, art. R. 4412-117 ; arrêté du 23 février 2012 (amiante)"),
            ref("Règlement (UE) 2020/1149 (diisocyanates)"),
        ],
    ),
    RiskFamily.EQUIPMENT: (
        "equipements-et-machines",
        "Conduite d'engins et d'équipements de travail mobiles, levage, travaux à proximité "
        "des réseaux, installations électriques.",
        "<p>La conduite de certains équipements exige une formation adéquate et une autorisation "
        "de conduite délivrée par l'employeur ; les certificats CACES® attestent des connaissances "
        "et du savoir-faire. Le passeport enregistre la formation, pas l'autorisation elle-même.</p>",
        [
            ref("Code du travail, art. R. 4323-55 à R. 4323-57 (conduite des équipements mobiles)"),
            ref("Code du travail, art. R. 4544-9 et R. 4544-10 (habilitation électrique)"),
        ],
    ),
    RiskFamily.ENVIRONMENT: (
        "environnement-de-travail",
        "Secours, incendie, travail en hauteur, espaces confinés, manutention, circulation : "
        "les risques liés au lieu et à l'organisation du travail.",
        "<p>Chaque atelier où sont effectués des travaux dangereux, et chaque chantier de vingt "
        "personnes au moins pendant plus de quinze jours, compte au moins un sauveteur secouriste "
        "du travail formé. Les consignes incendie prévoient des exercices au moins tous les six "
        "mois.</p>",
        [
            ref("Code du travail, art. R. 4224-15 (secouristes)"),
            ref("Code du travail, art. R. 4227-28 et R. 4227-39 (incendie)"),
            ref("Code du travail, art. R. 4541-8 (manutention)"),
        ],
    ),
    RiskFamily.PSYCHOSOCIAL: (
        "risques-psychosociaux",
        "Stress, violences internes et externes, harcèlement, épuisement professionnel.",
        "<p>Les risques psychosociaux relèvent de l'obligation générale de prévention : "
        "l'employeur les évalue comme les autres risques et forme les salariés et l'encadrement "
        "à les repérer et à agir. Aucune période de renouvellement n'est fixée par les textes.</p>",
        [
            ref("Code du travail, art. L. 4121-1 et L. 4121-2"),
            ref("Code du travail, art. L. 1152-1 et L. 1153-1 (harcèlement)"),
        ],
    ),
}

FAMILIES = [
    Spec(
        key=f"famille-{family.value}",
        model="RiskFamilyPage",
        slug=slug,
        parent="risques",
        title=family.label,
        intro=intro,
        search_description=intro,
        body=[("paragraph", text), ("references", refs)],
        extra={"family": family.value},
    )
    for family, (slug, intro, text, refs) in _TEXTS.items()
]

SPECS = [INDEX, *FAMILIES]
