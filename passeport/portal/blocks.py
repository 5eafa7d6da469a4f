"""The StreamField blocks operators compose portal pages with, each rendered by a DSFR
template of ours (templates/portal/blocks/): headings, rich text, callouts, accordions
(FAQ), legal references, link tiles (to portal pages, to the service's public pages, or
outside), and the catalogue's trainings of a risk family (read from the code at
rendering, so renewal periods never drift from `prevention/catalogue.py`)."""

from django.urls import NoReverseMatch, reverse
from wagtail import blocks

from passeport.prevention import catalogue

# The rich text an operator may use: no images, no embeds, no raw HTML.
RICH_TEXT_FEATURES = ["h3", "h4", "bold", "italic", "ol", "ul", "link"]

# The public pages of the service a tile may lead to (route names, resolved at rendering:
# a route that does not exist in this deployment is left out).
SERVICE_PAGES = [
    ("public:home", "Accueil du service"),
    ("identity:login", "Se connecter"),
    ("holder:dashboard", "Mon espace (titulaires)"),
    ("holder:prevention", "Mon passeport de prévention"),
    ("pro:dashboard", "Espace professionnel"),
    ("certifier:home", "Espace certificateur"),
    ("public:prevention_eligibility", "Éligibilité d'une formation au passeport de prévention"),
    ("public:cpf_simulator", "Simuler ses droits CPF"),
    ("public:verify", "Vérifier un document"),
    ("portal:search", "Rechercher dans le portail"),
]


def service_url(route: str) -> str:
    try:
        return reverse(route)
    except NoReverseMatch:
        return ""


class HeadingBlock(blocks.CharBlock):
    class Meta:
        icon = "title"
        label = "Titre de section"
        template = "portal/blocks/heading.html"


class CalloutBlock(blocks.StructBlock):
    title = blocks.CharBlock(label="Titre", required=False)
    text = blocks.RichTextBlock(label="Texte", features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "pick"
        label = "Mise en avant"
        template = "portal/blocks/callout.html"


class QuestionBlock(blocks.StructBlock):
    question = blocks.CharBlock(label="Question")
    answer = blocks.RichTextBlock(label="Réponse", features=RICH_TEXT_FEATURES)


class AccordionsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label="Titre du groupe", required=False)
    items = blocks.ListBlock(QuestionBlock(), label="Questions")

    class Meta:
        icon = "list-ul"
        label = "Questions (accordéons)"
        template = "portal/blocks/accordions.html"


class ReferenceBlock(blocks.StructBlock):
    label = blocks.CharBlock(label="Texte (par exemple « Code du travail, art. L. 4141-5 »)")
    url = blocks.URLBlock(label="Adresse (Légifrance…)", required=False)


class ReferencesBlock(blocks.ListBlock):
    def __init__(self, **kwargs):
        super().__init__(ReferenceBlock(), **kwargs)

    class Meta:
        icon = "doc-full"
        label = "Références juridiques"
        template = "portal/blocks/references.html"


class TileBlock(blocks.StructBlock):
    title = blocks.CharBlock(label="Titre")
    text = blocks.TextBlock(label="Description", required=False)
    page = blocks.PageChooserBlock(label="Page du portail", required=False)
    service = blocks.ChoiceBlock(label="Page du service", choices=SERVICE_PAGES, required=False)
    url = blocks.URLBlock(label="Adresse externe", required=False)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        href = ""
        if value.get("page"):
            href = value["page"].specific.url
        elif value.get("service"):
            href = service_url(value["service"])
        context["href"] = href or value.get("url") or ""
        return context

    class Meta:
        icon = "link"
        template = "portal/blocks/tile.html"


class TilesBlock(blocks.ListBlock):
    def __init__(self, **kwargs):
        super().__init__(TileBlock(), **kwargs)

    class Meta:
        icon = "grip"
        label = "Liens en tuiles"
        template = "portal/blocks/tiles.html"


class TrainingsBlock(blocks.StructBlock):
    family = blocks.ChoiceBlock(label="Famille de risques", choices=catalogue.RiskFamily.choices)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        family = value.get("family")
        context["family_label"] = catalogue.RiskFamily(family).label if family else ""
        context["kinds"] = [kind for kind in catalogue.KINDS if family in kind.risk_families]
        return context

    class Meta:
        icon = "table"
        label = "Formations du catalogue d'une famille de risques"
        template = "portal/blocks/trainings.html"


class PortalStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label="Paragraphe", features=RICH_TEXT_FEATURES, template="portal/blocks/paragraph.html"
    )
    callout = CalloutBlock()
    accordions = AccordionsBlock()
    references = ReferencesBlock()
    tiles = TilesBlock()
    trainings = TrainingsBlock()
