"""Reading certifiers' accrochage files (XSD v1.1.2 of the Caisse des Dépôts, plus the
1.1.5 additions), safely and in constant memory.

Two streaming passes over the file, both with lxml's `iterparse` (libxml2):

1. `scan` validates the whole file against the schema while parsing (libxml2 validates
   as it reads, so no tree is kept) and collects the few header values. `xsd:all` lets
   `idFlux` or a certification's `code` come after its passages, so the header can only
   be known at the end of this pass; and a file is accepted or rejected as a whole
   before any passage is stored.
2. `passages` yields one small `Passage` per `passageCertification`, clearing each
   element once read: 200,000 passages never sit in memory as a tree.

lxml rather than the pure-Python `xmlschema` package: it validates while streaming, gives
the line of each error, and is about two orders of magnitude faster on 200,000 passages.
Parsing is locked down: no DTD (a DOCTYPE is refused outright, which rules out external
entities and entity-expansion bombs), no entity resolution, no network, libxml2's
default size limits (`huge_tree=False`), and a size limit checked before parsing.

One module on purpose, though longer than the house's ~400 lines: both passes share
the parser's hardening (no entities, no network, bounded size) and the element names;
the checks of the stored passages live apart, in `services`.
"""

import dataclasses
import datetime
import functools
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

NS = "urn:cdc:cpf:pc5:schema:1.0.0"
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
SCHEMAS = Path(__file__).resolve().parent / "schemas"
# The official v1.1.2 schema, kept verbatim for reference and tests.
OFFICIAL_SCHEMA = SCHEMAS / "cdc_cpf_accrochage_v1.1.2.xsd"
# The same schema with the optional 1.1.5 additions (see its annotation): every v1.1.2
# file is valid against it, so one validation serves both versions.
EXTENDED_SCHEMA = SCHEMAS / "cdc_cpf_accrochage_v1.1.5-passeport.xsd"
DEFAULT_MAX_BYTES = 512 * 1024 * 1024

CREATION, SUPPRESSION = "CREATION", "SUPPRESSION"


class FileRejected(Exception):
    """The file as a whole is refused; `message` is the French text of the accusé."""

    def __init__(self, message: str, line: int | None = None):
        text = f"Ligne {line} : {message}" if line else message[:1].upper() + message[1:]
        super().__init__(text)
        self.message = text
        self.line = line


@dataclass(frozen=True)
class CertificationHeader:
    type: str
    code: str
    nature: str  # CERTIFICATEUR, TIERS_CONFIANCE or ""


@dataclass(frozen=True)
class FluxHeader:
    id_flux: str
    timestamp: str
    emitter_id_client: str
    certifier_id_client: str
    contract_id: str
    certifications: tuple[CertificationHeader, ...]
    passage_count: int
    version: str  # "1.1.2", or "1.1.5" when a 1.1.5 element is present


@dataclass(frozen=True)
class Holder:
    """`titulaire`: the birth identity, possibly partial."""

    birth_name: str
    usage_name: str
    first_names: tuple[str, ...]
    birth_year: int
    birth_month: int | None
    birth_day: int | None
    sex: str
    commune_code: str  # codeInsee, or ""
    postcode: str  # codePostal, or ""
    commune_label: str
    country_code: str  # 3 digits (INSEE without "99"), or ""
    country_label: str


@dataclass(frozen=True)
class NationalIdentifier:
    """1.1.5 `identifiantNational`. The NIR is kept out of repr (and so of logs)."""

    nir: str = field(repr=False)
    birth_name: str


@dataclass(frozen=True)
class TrainingFile:
    """`dossierFormation`: a CPF training file number."""

    id_dossier: str
    name: str
    first_name: str


@dataclass(frozen=True)
class Passage:
    line: int
    certification: int  # index in FluxHeader.certifications
    id_technique: str
    action: str
    proof_url: str
    option_label: str
    award_mode: str
    certified_data: bool
    exam_start: datetime.date | None
    exam_end: datetime.date | None
    exam_modality: str
    exam_postcode: str
    valid_from: datetime.date
    valid_until: datetime.date | None
    language_level_present: bool
    language_level: str
    digital_level_present: bool
    digital_score: int | None
    scoring: str
    mention: str
    access_mode: str
    vae_route: str
    registration_initiative: str
    registration_date: datetime.date | None
    verbatim: str
    identification: Holder | NationalIdentifier | TrainingFile

    def digest(self, certification: CertificationHeader) -> str:
        """What the certifier said about this passage, to recognise an unchanged re-send.
        The NIR is left out (the matched person is compared separately)."""
        # `dataclasses.asdict` without its deep copies (the values are scalars, dates and
        # tuples of strings): the same JSON, several times faster.
        values = {name: getattr(self, name) for name in _PASSAGE_FIELDS}
        identification = self.identification
        values["identification"] = {
            name: getattr(identification, name)
            for name in _FIELDS[type(identification)]
            if name != "nir"
        }
        values["certification_code"] = [certification.type, certification.code]
        text = json.dumps(values, default=str, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()


_FIELDS = {
    kind: tuple(f.name for f in dataclasses.fields(kind))
    for kind in (Holder, NationalIdentifier, TrainingFile)
}
_PASSAGE_FIELDS = tuple(
    f.name for f in dataclasses.fields(Passage) if f.name not in ("line", "certification")
)


@functools.cache
def passage_schema() -> etree.XMLSchema:
    """The extended schema plus a global `passageCertification`, to validate one passage
    on its own (only to locate an error)."""
    text = f"""<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:cpf="{NS}"
        targetNamespace="{NS}" elementFormDefault="qualified">
      <xsd:include schemaLocation="{EXTENDED_SCHEMA.as_uri()}"/>
      <xsd:element name="passageCertification" type="cpf:passageCertification"/>
    </xsd:schema>"""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.XMLSchema(etree.fromstring(text.encode(), parser))


@functools.cache
def schema() -> etree.XMLSchema:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.XMLSchema(etree.parse(str(EXTENDED_SCHEMA), parser))


def check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise FileRejected(
            f"Le fichier pèse {size / 1_048_576:.1f} Mo : la taille maximale acceptée est de "
            f"{max_bytes / 1_048_576:.0f} Mo. Découpez-le en plusieurs fichiers."
        )
    if size == 0:
        raise FileRejected("Le fichier est vide.")


def _iterparse(source, *, validate: bool):
    return etree.iterparse(
        source,
        events=("start", "end"),
        schema=schema() if validate else None,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _refuse_doctype(element) -> None:
    docinfo = element.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise FileRejected(
            "Le fichier contient une déclaration DOCTYPE (DTD ou entités) : elle n'est pas "
            "acceptée dans un fichier d'accrochage.",
            line=1,
        )


def _syntax_error(reason: str, line: int | None) -> FileRejected:
    # libxml2 names elements with their namespace: "{urn:cdc:…}code" reads better as "code".
    reason = reason.replace("{" + NS + "}", "")
    return FileRejected(f"le fichier n'est pas conforme au schéma XSD : {reason}", line)


def _locate_error(open_source, error: etree.XMLSyntaxError | None) -> FileRejected:
    """The file was refused: finds the line to name, which streaming validation does not
    give (and iterparse reads ahead by blocks). Only run on a file already refused.

    Each passage is validated on its own against the passage type (errors then carry
    their line); an error outside passages is placed at the first element it names."""
    lines: dict[str, int] = {}
    try:
        with _opened(open_source) as source:
            for event, element in _iterparse(source, validate=False):
                name = _local(element.tag)
                if event == "start":
                    lines.setdefault(name, element.sourceline)
                    continue
                if name == "passageCertification":
                    validator = passage_schema()
                    if not validator.validate(element):
                        entry = validator.error_log[0]
                        return _syntax_error(entry.message, entry.line or element.sourceline)
                    _clear(element)
    except etree.XMLSyntaxError as syntax:
        return FileRejected(
            f"le fichier n'est pas un XML bien formé : {syntax.msg}", syntax.lineno or None
        )
    if error is None:
        return FileRejected("le fichier est incomplet : l'élément flux n'est pas refermé.")
    reason = error.msg or str(error)
    named = re.match(r"Element '(?:\{[^}]*\})?([\w.-]+)'", reason)
    return _syntax_error(reason, lines.get(named.group(1)) if named else None)


def _clear(element) -> None:
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def scan(open_source) -> FluxHeader:
    """Validates the whole file (first pass) and returns its header.

    `open_source` opens the file anew (a path string or a callable returning a binary
    file object), since the file is read twice."""
    values: dict[str, str] = {}
    certifications: list[CertificationHeader] = []
    current: dict[str, str] = {}
    passages, version, path, root_closed = 0, "1.1.2", [], False
    with _opened(open_source) as source:
        try:
            for event, element in _iterparse(source, validate=True):
                name = _local(element.tag)
                if event == "start":
                    if not path:
                        _refuse_doctype(element)
                        if name != "flux" or etree.QName(element).namespace != NS:
                            raise FileRejected(
                                f"l'élément racine doit être flux dans l'espace de noms {NS}.",
                                element.sourceline,
                            )
                    path.append(name)
                    if name == "certification":
                        current = {}
                    elif name in ("action", "identifiantNational"):
                        version = "1.1.5"
                    continue
                path.pop()
                parent = path[-1] if path else ""
                root_closed = not path
                if name in ("idFlux", "horodatage") and parent == "flux":
                    values[name] = (element.text or "").strip()
                elif name == "idClient" and parent in ("emetteur", "certificateur"):
                    values[parent] = (element.text or "").strip()
                elif name == "idContrat" and parent == "certificateur":
                    values["idContrat"] = (element.text or "").strip()
                elif parent == "certification" and name in ("type", "code", "natureDeposant"):
                    current[name] = (element.text or "").strip()
                elif name == "certification":
                    certifications.append(
                        CertificationHeader(
                            current.get("type", ""),
                            current.get("code", ""),
                            current.get("natureDeposant", ""),
                        )
                    )
                elif name == "passageCertification":
                    passages += 1
                    _clear(element)
        except etree.XMLSyntaxError as error:
            failure = error
        else:
            # With a schema plugged in, libxml2 does not report a truncated file: the
            # root element must have been closed.
            if root_closed:
                return _header(values, certifications, passages, version)
            failure = None
    if (
        failure is not None
        and failure.error_log
        and failure.error_log.last_error.domain_name != "SCHEMASV"
    ):
        raise FileRejected(
            f"le fichier n'est pas un XML bien formé : {failure.msg}", failure.lineno or None
        )
    raise _locate_error(open_source, failure)


def _header(values, certifications, passages, version) -> FluxHeader:
    return FluxHeader(
        id_flux=values.get("idFlux", ""),
        timestamp=values.get("horodatage", ""),
        emitter_id_client=values.get("emetteur", ""),
        certifier_id_client=values.get("certificateur", ""),
        contract_id=values.get("idContrat", ""),
        certifications=tuple(certifications),
        passage_count=passages,
        version=version,
    )


def passages(open_source) -> Iterator[Passage]:
    """Second pass over a file `scan` accepted: its passages, one at a time."""
    index = -1
    with _opened(open_source) as source:
        try:
            for event, element in _iterparse(source, validate=False):
                name = _local(element.tag)
                if event == "start":
                    if name == "certification":
                        index += 1
                    continue
                if name == "passageCertification":
                    yield _passage(element, index)
                    _clear(element)
        except etree.XMLSyntaxError as error:  # the file changed between the two passes
            raise FileRejected(f"le fichier n'a pas pu être relu : {error.msg}") from None


def certifier_id_client(open_source) -> str:
    """The certifier's idClient from the file's header (empty if none), reading only up
    to it: the command finds the depositor without a validating pass over the whole file
    (the processing's own `scan` validates it)."""
    path: list[str] = []
    with _opened(open_source) as source:
        try:
            for event, element in _iterparse(source, validate=False):
                name = _local(element.tag)
                if event == "start":
                    if not path:
                        _refuse_doctype(element)
                    if name in ("certification", "passageCertification"):
                        return ""  # past the header
                    path.append(name)
                    continue
                path.pop()
                if name == "idClient" and path and path[-1] == "certificateur":
                    return (element.text or "").strip()
        except etree.XMLSyntaxError as error:
            reason = str(error).replace("{" + NS + "}", "")
            raise FileRejected(
                f"le fichier n'est pas un XML bien formé : {reason}",
                getattr(error, "lineno", None),
            ) from None
    return ""


class _opened:
    def __init__(self, open_source):
        self.open_source = open_source

    def __enter__(self):
        if isinstance(self.open_source, str | Path):
            self.file = open(self.open_source, "rb")
        else:
            self.file = self.open_source()
        return self.file

    def __exit__(self, *exc):
        self.file.close()


def _children(element) -> dict:
    return {_local(child.tag): child for child in element}


def _text(children: dict, name: str) -> str:
    element = children.get(name)
    if element is None or element.get(XSI_NIL) in ("true", "1"):
        return ""
    return (element.text or "").strip()


def _date(children: dict, name: str) -> datetime.date | None:
    value = _text(children, name)
    return datetime.date.fromisoformat(value) if value else None


def _int(children: dict, name: str) -> int | None:
    value = _text(children, name)
    return int(value) if value else None


def _bool(children: dict, name: str) -> bool:
    return _text(children, name) in ("true", "1")


def _passage(element, certification: int) -> Passage:
    c = _children(element)
    registration = _children(c["modalitesInscription"])
    digital = c.get("niveauNumeriqueEuropeen")
    digital_score = _int(_children(digital), "scoreGeneral") if digital is not None else None
    return Passage(
        line=element.sourceline or 0,
        certification=certification,
        id_technique=_text(c, "idTechnique"),
        action=_text(c, "action") or CREATION,
        proof_url=_text(c, "urlPreuve"),
        option_label=_text(c, "libelleOption"),
        award_mode=_text(c, "obtentionCertification"),
        certified_data=_bool(c, "donneeCertifiee"),
        exam_start=_date(c, "dateDebutExamen"),
        exam_end=_date(c, "dateFinExamen"),
        exam_modality=_text(c, "modalitePassageExamen"),
        exam_postcode=_text(c, "codePostalCentreExamen"),
        valid_from=_date(c, "dateDebutValidite"),
        valid_until=_date(c, "dateFinValidite"),
        language_level_present=_bool(c, "presenceNiveauLangueEuro"),
        language_level=_text(c, "niveauLangueEuropeen"),
        digital_level_present=_bool(c, "presenceNiveauNumeriqueEuro"),
        digital_score=digital_score,
        scoring=_text(c, "scoring"),
        mention=_text(c, "mentionValidee"),
        access_mode=_text(registration, "modaliteAcces"),
        vae_route=_text(registration, "voieAccessVAE"),
        registration_initiative=_text(registration, "initiativeInscription"),
        registration_date=_date(registration, "dateInscription"),
        verbatim=_text(c, "verbatim"),
        identification=_identification(c["identificationTitulaire"]),
    )


def _identification(element) -> Holder | NationalIdentifier | TrainingFile:
    choice = element[0]
    c = _children(choice)
    kind = _local(choice.tag)
    if kind == "identifiantNational":
        return NationalIdentifier(nir=_text(c, "nir"), birth_name=_text(c, "nomNaissance"))
    if kind == "dossierFormation":
        return TrainingFile(
            id_dossier=_text(c, "idDossier"),
            name=_text(c, "nomTitulaire"),
            first_name=_text(c, "prenom1Titulaire"),
        )
    place = c["codeCommuneNaissance"][0]  # codeInseeNaissance | codePostalNaissance
    is_insee = _local(place.tag) == "codeInseeNaissance"
    place_code = _text(_children(place), "codeInsee" if is_insee else "codePostal")
    return Holder(
        birth_name=_text(c, "nomNaissance"),
        usage_name=_text(c, "nomUsage"),
        first_names=tuple(value for value in (_text(c, f"prenom{i}") for i in (1, 2, 3)) if value),
        birth_year=_int(c, "anneeNaissance"),
        birth_month=_int(c, "moisNaissance"),
        birth_day=_int(c, "jourNaissance"),
        sex=_text(c, "sexe"),
        commune_code=place_code if is_insee else "",
        postcode="" if is_insee else place_code,
        commune_label=_text(c, "libelleCommuneNaissance"),
        country_code=_text(c, "codePaysNaissance"),
        country_label=_text(c, "libellePaysNaissance"),
    )
