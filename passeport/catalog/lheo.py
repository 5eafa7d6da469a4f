"""LHEO 2.3 (namespace http://lheo.gouv.fr/2.3): the provider's offer in and out.

Import: the file's size is bounded before parsing; lxml parses without DTD, entities or
network (a DOCTYPE is refused); the document is validated against the XSD
(`LHEO_XSD`, ../shared/data/lheo/lheo-2.3.xsd) with each error named by its line and
element in French; then each `formation` goes through `catalog.offers` (the same rules as
the portal's forms), idempotent by the provider's `numero` attributes. A formation that
breaks a rule is reported (line, reason) and skipped; the others are kept.

Export: the provider's trainings as an LHEO document valid against the same XSD (the
mandatory elements the service does not hold get neutral values, listed in NEUTRAL)."""

import datetime
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db import transaction
from lxml import etree

from . import offers
from .enums import CodeKind, EnrolmentStatus, Modality

NS = "http://lheo.gouv.fr/2.3"
Q = f"{{{NS}}}"
MAX_BYTES = 50 * 1024 * 1024
MAX_ERRORS = 200
# LHEO's modalites-enseignement: 0 entirely in person, 1 mixed, 2 entirely remote.
MODALITY_CODES = {Modality.IN_PERSON: "0", Modality.MIXED: "1", Modality.REMOTE: "2"}
ENROLMENT_CODES = {
    EnrolmentStatus.OPEN: "1",
    EnrolmentStatus.CLOSED: "2",
    EnrolmentStatus.SUSPENDED: "3",
}
NEUTRAL = {
    "parcours-de-formation": "1",
    "code-niveau-entree": "0",
    "rythme-formation": "Non précisé",
    "code-public-vise": "15041",
    "modalites-alternance": "Sans objet",
    "prise-en-charge-frais-possible": "1",
    "modalites-entrees-sorties": "0",
}


def xsd_path() -> Path:
    return Path(
        getattr(settings, "LHEO_XSD", "")
        or settings.BASE_DIR.parent / "shared" / "data" / "lheo" / "lheo-2.3.xsd"
    )


@lru_cache(maxsize=1)
def schema() -> etree.XMLSchema:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.XMLSchema(etree.parse(str(xsd_path()), parser))


# --- French messages ------------------------------------------------------------------------

_PATTERNS = (
    (
        re.compile(r"This element is not expected\. Expected is(?: one of)? \( (.*) \)"),
        "élément inattendu ; attendu : {0}",
    ),
    (re.compile(r"This element is not expected"), "élément inattendu à cet endroit"),
    (
        re.compile(r"Missing child element\(s\)\. Expected is(?: one of)? \( (.*) \)"),
        "élément(s) manquant(s) : {0}",
    ),
    (re.compile(r"\[facet '(\w+)'\] The value '(.*)' (.*)"), "valeur « {1} » refusée ({0})"),
    (
        re.compile(r"'(.*)' is not a valid value of the atomic type '(.*)'"),
        "valeur « {0} » invalide",
    ),
    (re.compile(r"is not a valid value of the local atomic type"), "valeur invalide"),
    (
        re.compile(r"No matching global declaration available for the validation root"),
        "l'élément racine n'est pas « lheo » (espace de noms http://lheo.gouv.fr/2.3)",
    ),
)


def _french(message: str) -> str:
    element = ""
    found = re.match(r"Element '(?:\{[^}]*\})?([^']+)'(?:, attribute '[^']+')?: (.*)", message)
    if found:
        element, message = found.group(1), found.group(2)
    text = message
    for pattern, template in _PATTERNS:
        match = pattern.search(message)
        if match:
            groups = [g.replace(f"{{{NS}}}", "") for g in match.groups()]
            text = template.format(*groups)
            break
    return f"élément « {element} » : {text}" if element else text


@dataclass
class Report:
    errors: list[str] = field(default_factory=list)  # "ligne N : …"
    trainings: int = 0
    actions: int = 0
    sessions: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def parse(data: bytes, report: Report):
    if len(data) > MAX_BYTES:
        report.errors.append(f"Fichier trop volumineux : {MAX_BYTES // (1024 * 1024)} Mo au plus.")
        return None
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        tree = etree.fromstring(data, parser).getroottree()
    except etree.XMLSyntaxError as error:
        line = error.position[0] if error.position else 0
        report.errors.append(f"ligne {line} : XML mal formé ({error.msg}).")
        return None
    if tree.docinfo.doctype:
        report.errors.append("ligne 1 : une déclaration DOCTYPE n'est pas acceptée.")
        return None
    xsd = schema()
    if not xsd.validate(tree):
        for error in list(xsd.error_log)[:MAX_ERRORS]:
            report.errors.append(f"ligne {error.line} : {_french(error.message)}")
        return None
    return tree


def _text(element, name: str) -> str:
    found = element.find(f"{Q}{name}")
    return (found.text or "").strip() if found is not None else ""


def _all(element, name: str) -> list[str]:
    return [(e.text or "").strip() for e in element.findall(f"{Q}{name}")]


def _date(value: str) -> datetime.date:
    return datetime.date(int(value[:4]), int(value[4:6]), int(value[6:8]))


def _cents(value: str) -> int:
    text = value.replace(",", ".").strip()
    whole, _, fraction = text.partition(".")
    if not whole.isascii() or not whole.isdigit() or (fraction and not fraction.isdigit()):
        raise offers.OfferError([f"prix-total-TTC invalide : « {value} »."])
    return int(whole) * 100 + int((fraction + "00")[:2])


def _certification(formation) -> str:
    for certification in formation.findall(f"{Q}certification"):
        rncp, rs = _text(certification, "code-RNCP"), _text(certification, "code-RS")
        if rncp:
            return rncp if rncp.upper().startswith("RNCP") else f"RNCP{rncp}"
        if rs:
            return rs if rs.upper().startswith("RS") else f"RS{rs}"
    return ""


def _formation(provider, formation) -> list[int]:
    ref = formation.get("numero", "").strip()
    if not ref:
        raise offers.OfferError(
            ["attribut « numero » (votre identifiant) obligatoire sur formation."]
        )
    domain = formation.find(f"{Q}domaine-formation")
    responsible = formation.find(f"{Q}organisme-formation-responsable")
    siret = responsible.findtext(f"{Q}SIRET-organisme-formation/{Q}SIRET", "").strip()
    if siret != provider.siret:
        raise offers.OfferError([f"SIRET de l'organisme responsable {siret} différent du vôtre."])
    training = offers.save_training(
        provider,
        offers.TrainingData(
            provider_ref=ref,
            title=_text(formation, "intitule-formation"),
            objectives=_text(formation, "objectif-formation"),
            content=_text(formation, "contenu-formation"),
            expected_results=_text(formation, "resultats-attendus"),
            certification_code=_certification(formation),
            level=None,  # LHEO's exit levels are not European levels: the fiche's is used
            has_prerequisites=any(
                _text(action, "niveau-entree-obligatoire") == "1"
                for action in formation.findall(f"{Q}action")
            ),
            codes={
                CodeKind.FORMACODE: _all(domain, "code-FORMACODE"),
                CodeKind.NSF: [code.lower() for code in _all(domain, "code-NSF")],
                CodeKind.ROME: _all(domain, "code-ROME"),
            },
        ),
    )
    counts = [1, 0, 0]  # trainings, actions, sessions (added once the formation is kept)
    modalities = {code: modality for modality, code in MODALITY_CODES.items()}
    enrolments = {code: status for status, code in ENROLMENT_CODES.items()}
    for number, action in enumerate(formation.findall(f"{Q}action"), start=1):
        place = action.find(f"{Q}lieu-de-formation/{Q}coordonnees/{Q}adresse")
        saved = offers.save_action(
            training,
            offers.ActionData(
                provider_ref=action.get("numero", "").strip() or f"{ref}-{number}",
                price_cents=_cents(_text(action, "prix-total-TTC") or "0"),
                hours=int(_text(action, "nombre-heures-total") or 0),
                modality=modalities.get(_text(action, "modalites-enseignement"), ""),
                commune_code=_text(place, "code-INSEE-commune") if place is not None else "",
                prerequisites=_text(action, "conditions-specifiques"),
            ),
        )
        counts[1] += 1
        for index, session in enumerate(action.findall(f"{Q}session"), start=1):
            period = session.find(f"{Q}periode")
            offers.save_session(
                saved,
                offers.SessionData(
                    provider_ref=session.get("numero", "").strip()
                    or f"{saved.provider_ref}-{index}",
                    start_date=_date(_text(period, "debut")),
                    end_date=_date(_text(period, "fin")),
                    enrolment=enrolments.get(
                        _text(session, "etat-recrutement"), EnrolmentStatus.OPEN
                    ),
                ),
            )
            counts[2] += 1
    return counts


def import_offer(provider, data: bytes) -> Report:
    """Imports the provider's LHEO file; what is valid is kept, each refusal reported."""
    report = Report()
    tree = parse(data, report)
    if tree is None:
        return report
    for formation in tree.getroot().iter(f"{Q}formation"):
        try:
            with transaction.atomic():
                trainings, actions, sessions = _formation(provider, formation)
            report.trainings += trainings
            report.actions += actions
            report.sessions += sessions
        except offers.OfferError as error:
            ref = formation.get("numero", "?")
            report.errors.append(
                f"ligne {formation.sourceline} : formation « {ref} » refusée : "
                + " ".join(error.reasons)
            )
        except (ValueError, TypeError) as error:
            report.errors.append(
                f"ligne {formation.sourceline} : formation « {formation.get('numero', '?')} » : "
                f"valeur illisible ({error})."
            )
    return report
