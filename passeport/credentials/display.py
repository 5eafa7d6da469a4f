"""What a verified credential says, in words a recruiter reads: French labels for every
claim (SD-JWT claim names, Open Badges properties, a sealed document's fields), dates as
dates (17/11/2028, not 2028-11-17), achievement types in French, and ROME or bloc codes
with their titles. Used by the public verifier and the presentation page alike."""

import datetime
import re

from .claims import CLAIM_LABELS

OPEN_BADGE_LABELS = {
    "name": "Nom de l'attestation",
    "achievement": "Intitulé",
    "achievementType": "Type",
    "validFrom": "Valable à partir du",
    "validUntil": "Valable jusqu'au",
}
DOCUMENT_LABELS = {
    "document": "Identifiant du document",
    "type": "Type",
    "titre": "Titre",
    "emis_le": "Émis le",
    "titulaire": "Titulaire",
    "destinataire": "Destinataire",
    "expire_le": "Expire le",
    "entrees": "Entrées",
    "entrees_garanties": "Entrées garanties",
}
LABELS = {**CLAIM_LABELS, **OPEN_BADGE_LABELS, **DOCUMENT_LABELS}
# Open Badges 3.0 achievement types we issue (and the extension for employment).
ACHIEVEMENT_TYPES = {
    "Certificate": "Certificat (justificatif de réussite)",
    "CertificateOfCompletion": "Attestation de fin de formation",
    "Certification": "Certification",
    "Course": "Formation",
    "Diploma": "Diplôme",
    "Degree": "Diplôme",
    "License": "Habilitation",
    "ext:EmploymentPeriod": "Période d'emploi",
}
_ISO = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$"
)
_CODE = re.compile(r"^(?:[A-N]\d{4}|RNCP\d+BC\d+|RS\d+BC\d+)$")


def label(name: str) -> str:
    """A claim's French label; an unknown one (another issuer's) in plain words."""
    return LABELS.get(name) or name.replace("_", " ").capitalize()


def french_date(text: str) -> str:
    found = _ISO.match(text)
    if not found:
        return text
    year, month, day, hour, minute, zone = found.groups()
    try:
        day_text = datetime.date(int(year), int(month), int(day)).strftime("%d/%m/%Y")
    except ValueError:
        return text
    if hour is None:
        return day_text
    if zone:  # an instant: shown in Paris time
        from django.utils import timezone

        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
        return timezone.localtime(moment).strftime("%d/%m/%Y à %H:%M")
    return f"{day_text} à {hour}:{minute}"


def _code_titles(codes: list[str]) -> dict[str, str]:
    from passeport.referentials.models import FicheBloc, RomeCode

    jobs = [code for code in codes if not code.startswith(("RNCP", "RS"))]
    blocs = [code for code in codes if code.startswith(("RNCP", "RS"))]
    titles = dict(RomeCode.objects.filter(code__in=jobs).values_list("code", "label"))
    titles.update(FicheBloc.objects.filter(code__in=blocs).values_list("code", "title"))
    return titles


def value_text(name: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, dict):
        return " ; ".join(f"{label(k)} : {value_text(k, v)}" for k, v in value.items())
    if isinstance(value, list):
        codes = [item for item in value if isinstance(item, str) and _CODE.match(item)]
        titles = _code_titles(codes) if codes else {}
        parts = []
        for item in value:
            if isinstance(item, dict) and "titre" in item:
                assurance = "garantie" if item.get("garantie") else "déclarée"
                parts.append(f"{item['titre']} ({assurance})")
            elif isinstance(item, str) and item in titles:
                parts.append(f"{titles[item]} ({item})")
            else:
                parts.append(value_text(name, item))
        return " ; ".join(parts)
    text = str(value)
    if name == "achievementType":
        return ACHIEVEMENT_TYPES.get(text, text)
    return french_date(text)


def claim_rows(claims: dict, prefix: str = "") -> list[tuple[str, str]]:
    """The claims as (label, text) rows for a table: nested objects flattened."""
    rows = []
    for key, value in claims.items():
        name = f"{prefix}{label(key)}"
        if isinstance(value, dict):
            rows.extend(claim_rows(value, f"{name} › "))
        else:
            rows.append((name, value_text(key, value)))
    return rows
