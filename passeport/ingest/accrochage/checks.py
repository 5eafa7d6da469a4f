"""The rules an accrochage passage must follow, apart from finding its holder
(`identify`) and storing it (`run`): the file's header (the depositor's idClient and
idContrat, the emitter or its trusted third party), the certification code in the
RNCP/RS referential (an inactive fiche is accepted through an active successor, or
when obtained during its registration period), and the passage's dates and values.
Each refusal is a `Rejection` with a code for programs and a French message for the
accusé."""

import dataclasses
import datetime
import re

from passeport.core.digits import ascii_digits
from passeport.records.enums import LanguageLevel
from passeport.referentials.models import Fiche

from . import reader

MENTIONS = {
    "SANS_MENTION": "Sans mention",
    "MENTION_ASSEZ_BIEN": "Mention assez bien",
    "MENTION_BIEN": "Mention bien",
    "MENTION_TRES_BIEN": "Mention très bien",
    "MENTION_TRES_BIEN_AVEC_FELICITATIONS_DU_JURY": (
        "Mention très bien avec les félicitations du jury"
    ),
}


class Rejection(Exception):
    """One passage refused: `code` for programs, `message` (French) for the accusé."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclasses.dataclass(frozen=True)
class ResolvedCertification:
    """A certification code found in the referential, with what accepting it implies."""

    kind: str
    code: str
    fiche: Fiche
    warning: str = ""
    # Set when the fiche is inactive without an active successor: the award date must
    # fall within its registration period.
    must_check_period: bool = False


def file_error(certifier, header: reader.FluxHeader) -> Rejection | None:
    """File-level checks, reported on every passage."""
    expected = certifier.certifier_id_client
    if header.certifier_id_client != expected:
        return Rejection(
            "certifier_mismatch",
            f"L'idClient du certificateur dans le fichier ({header.certifier_id_client})"
            f" n'est pas celui de l'organisation qui dépose ({expected}).",
        )
    contract = certifier.certifier_id_contrat
    if contract and header.contract_id != contract:
        return Rejection(
            "contract_mismatch",
            f"L'idContrat du fichier ({header.contract_id}) n'est pas celui du "
            f"certificateur ({contract}).",
        )
    return None


def emitter_error(
    certifier, header: reader.FluxHeader, certification: reader.CertificationHeader
) -> Rejection | None:
    emitter = header.emitter_id_client
    if emitter == certifier.certifier_id_client:
        return None
    if certification.nature == "TIERS_CONFIANCE":
        return None  # a mandated third party sends for the certifier
    return Rejection(
        "emitter_mismatch",
        f"L'émetteur du fichier (idClient {emitter}) n'est pas le certificateur "
        f"({certifier.certifier_id_client}) et ne se déclare pas tiers de confiance "
        "(natureDeposant TIERS_CONFIANCE).",
    )


def certification(certification: reader.CertificationHeader) -> ResolvedCertification | Rejection:
    """The certification a header names, found in the RNCP/RS referential."""
    kind = certification.type.strip().upper()
    if kind not in ("RNCP", "RS"):
        return Rejection(
            "certification_type",
            f"Type de certification « {certification.type} » inconnu : RNCP ou RS attendu.",
        )
    code = certification.code.strip().upper().replace(" ", "")
    if ascii_digits(code):
        code = kind + code
    if not re.fullmatch(rf"{kind}[0-9]+", code):
        return Rejection(
            "certification_code_type",
            f"Le code de certification « {certification.code} » ne correspond pas au "
            f"type {kind} (attendu : {kind} suivi de chiffres).",
        )
    fiche = Fiche.objects.filter(code=code).first()
    if fiche is None:
        return Rejection(
            "unknown_certification",
            f"Le code de certification {code} est inconnu du répertoire national (RNCP / "
            "Répertoire spécifique).",
        )
    if fiche.active:
        return ResolvedCertification(kind, code, fiche)
    latest = fiche.resolve_active()
    if latest.active:
        return ResolvedCertification(
            kind,
            code,
            fiche,
            warning=(
                f"La certification {code} n'est plus active ; elle est remplacée par "
                f"{latest.code}. Le passage est enregistré sous le code envoyé."
            ),
        )
    return ResolvedCertification(kind, code, fiche, must_check_period=True)


def fields(passage: reader.Passage, certification: ResolvedCertification, certifier) -> dict:
    """The record's fields from the passage's content, checked."""
    if passage.valid_until and passage.valid_until < passage.valid_from:
        raise Rejection(
            "validity_dates",
            f"La date de fin de validité ({_fr(passage.valid_until)}) précède la date de "
            f"début de validité ({_fr(passage.valid_from)}).",
        )
    if passage.exam_start and passage.exam_end and passage.exam_end < passage.exam_start:
        raise Rejection(
            "exam_dates",
            f"La date de fin d'examen ({_fr(passage.exam_end)}) précède la date de début "
            f"d'examen ({_fr(passage.exam_start)}).",
        )
    if passage.exam_start and passage.valid_from < passage.exam_start:
        raise Rejection(
            "validity_before_exam",
            f"La validité commence ({_fr(passage.valid_from)}) avant le début de l'examen "
            f"({_fr(passage.exam_start)}).",
        )
    if passage.language_level_present and not passage.language_level:
        raise Rejection(
            "language_level_missing",
            "presenceNiveauLangueEuro vaut vrai mais niveauLangueEuropeen est absent.",
        )
    if passage.award_mode == "PAR_SCORING" and not passage.scoring:
        raise Rejection(
            "scoring_missing", "Une certification obtenue par score (PAR_SCORING) a un score."
        )
    fiche = certification.fiche
    return {
        "certification_kind": certification.kind,
        "code": certification.code,
        "title": fiche.title[:500],
        "level": fiche.level,
        "certifier": certifier,
        "certifier_name": certifier.name[:255],
        # The award date is the start of validity (the certificate's date).
        "awarded_on": passage.valid_from,
        "valid_from": passage.valid_from,
        "valid_until": passage.valid_until,
        "award_mode": passage.award_mode,
        "option_label": passage.option_label[:255],
        "mention": MENTIONS.get(passage.mention, ""),
        "language_level": (
            passage.language_level if passage.language_level in LanguageLevel.values else ""
        ),
        "digital_level": str(passage.digital_score) if passage.digital_score else "",
        "exam_start": passage.exam_start,
        "exam_end": passage.exam_end,
    }


def period_warning(passage, certification: ResolvedCertification) -> str:
    if not certification.must_check_period:
        return ""
    fiche, awarded = certification.fiche, passage.valid_from
    start, end = fiche.registered_on, fiche.expires_on
    if start and end and start <= awarded <= end:
        return (
            f"La certification {certification.code} n'est plus active ; le passage est "
            "accepté car obtenu pendant sa période d'enregistrement."
        )
    period = f" (du {_fr(start)} au {_fr(end)})" if start and end else ""
    raise Rejection(
        "inactive_certification",
        f"La certification {certification.code} n'est plus active et n'a pas de successeur "
        f"actif ; la date d'obtention ({_fr(awarded)}) n'est pas dans sa période "
        f"d'enregistrement{period}.",
    )


def _fr(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""
