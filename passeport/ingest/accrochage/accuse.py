"""The accusé de traitement: which passages were accepted, which were rejected and why.

No official XSD of the Caisse des Dépôts' accusé is published: this structure is ours,
documented in `schemas/accuse_traitement_passeport_v1.0.xsd` (namespace
`urn:passeport:accrochage:accuse:1.0`) and mirrored key for key in JSON. Passages are
named by their `idTechnique` (never by a NIR or a name), so that the certifier sends
again only the rejected ones.

Outcomes are written to temporary files as they come and the accusé is streamed from
them at the end: memory stays flat whatever the number of passages.
"""

import datetime
import json
import tempfile
from dataclasses import dataclass, fields

from lxml import etree

ACCUSE_NS = "urn:passeport:accrochage:accuse:1.0"
ACCUSE_VERSION = "1.0"
PREVIEW_LIMIT = 500

# resultat of an accepted passage
CREATED, REVISED, UNCHANGED, CANCELLED = "CREE", "MODIFIE", "INCHANGE", "SUPPRIME"
PROCESSED, REJECTED = "TRAITE", "REJETE"


@dataclass(frozen=True)
class Outcome:
    id_technique: str
    certification_code: str
    line: int
    action: str
    result: str = ""  # CREE / MODIFIE / INCHANGE / SUPPRIME when accepted
    error_code: str = ""  # when rejected
    message: str = ""  # messageErreur when rejected, avertissement when accepted

    @property
    def ok(self) -> bool:
        return not self.error_code

    def as_json(self) -> dict:
        if self.ok:
            entry = {
                "idTechnique": self.id_technique,
                "codeCertification": self.certification_code,
                "action": self.action,
                "resultat": self.result,
            }
            if self.message:
                entry["avertissement"] = self.message
            return entry
        return {
            "idTechnique": self.id_technique,
            "codeCertification": self.certification_code,
            "ligne": self.line,
            "codeErreur": self.error_code,
            "messageErreur": self.message,
        }


_OUTCOME_FIELDS = tuple(f.name for f in fields(Outcome))


@dataclass(frozen=True)
class AccuseHeader:
    file_name: str
    sha256: str
    size: int
    received_at: datetime.datetime
    processed_at: datetime.datetime
    status: str  # TRAITE / REJETE
    id_flux: str = ""
    id_client: str = ""
    schema_version: str = ""
    message: str = ""  # why the whole file was rejected


class AccuseBuilder:
    def __init__(self, preview_limit: int = PREVIEW_LIMIT):
        self._files = {
            True: tempfile.TemporaryFile("w+", encoding="utf-8"),  # noqa: SIM115
            False: tempfile.TemporaryFile("w+", encoding="utf-8"),  # noqa: SIM115
        }
        self.counts = {True: 0, False: 0}
        self.preview = {"ok": [], "ko": []}
        self.preview_limit = preview_limit

    @property
    def ok_count(self) -> int:
        return self.counts[True]

    @property
    def ko_count(self) -> int:
        return self.counts[False]

    def add(self, outcome: Outcome) -> None:
        # Not `asdict`: its deep copy of each (scalar) value showed on 200,000 passages.
        values = {name: getattr(outcome, name) for name in _OUTCOME_FIELDS}
        self._files[outcome.ok].write(json.dumps(values, ensure_ascii=False) + "\n")
        self.counts[outcome.ok] += 1
        shown = self.preview["ok" if outcome.ok else "ko"]
        if len(shown) < self.preview_limit:
            entry = outcome.as_json()
            if outcome.ok:
                entry.setdefault("avertissement", "")  # one shape for the page's table
            shown.append(entry)

    def _outcomes(self, ok: bool):
        file = self._files[ok]
        file.seek(0)
        for line in file:
            yield Outcome(**json.loads(line))

    def write_xml(self, header: AccuseHeader, out) -> None:
        with etree.xmlfile(out, encoding="UTF-8") as xf:
            xf.write_declaration()
            with xf.element(f"{{{ACCUSE_NS}}}accuseTraitement", nsmap={None: ACCUSE_NS}):
                for name, value in _header_fields(header, self):
                    _leaf(xf, name, value)
                for ok, (group, item) in (
                    (True, ("passagesOK", "passageOK")),
                    (False, ("passagesKO", "passageKO")),
                ):
                    with xf.element(f"{{{ACCUSE_NS}}}{group}"):
                        for outcome in self._outcomes(ok):
                            with xf.element(f"{{{ACCUSE_NS}}}{item}"):
                                for name, value in outcome.as_json().items():
                                    _leaf(xf, name, value)

    def write_json(self, header: AccuseHeader, out) -> None:
        """Streams the JSON document (out is a text file)."""
        fields = dict(_header_fields(header, self))
        out.write(json.dumps(fields, ensure_ascii=False, indent=1)[:-2])
        for ok, key in ((True, "passagesOK"), (False, "passagesKO")):
            out.write(f',\n "{key}": [')
            for index, outcome in enumerate(self._outcomes(ok)):
                out.write(("," if index else "") + "\n  ")
                out.write(json.dumps(outcome.as_json(), ensure_ascii=False))
            out.write("\n ]")
        out.write("\n}\n")

    def close(self) -> None:
        for file in self._files.values():
            file.close()


def _header_fields(header: AccuseHeader, builder: AccuseBuilder):
    yield "version", ACCUSE_VERSION
    yield "idFlux", header.id_flux
    yield "idClient", header.id_client
    yield "versionSchema", header.schema_version
    yield "nomFichier", header.file_name
    yield "empreinteSha256", header.sha256
    yield "tailleOctets", header.size
    yield "dateReception", header.received_at.isoformat(timespec="seconds")
    yield "dateTraitement", header.processed_at.isoformat(timespec="seconds")
    yield "statut", header.status
    if header.message:
        yield "messageErreur", header.message
    yield "nombrePassages", builder.ok_count + builder.ko_count
    yield "nombrePassagesOK", builder.ok_count
    yield "nombrePassagesKO", builder.ko_count


def _leaf(xf, name: str, value) -> None:
    with xf.element(f"{{{ACCUSE_NS}}}{name}"):
        xf.write(str(value))
