"""The maintained catalogue of occupational health and safety trainings: what kind of
training a declared title is, which risk families it covers, and how long it stays valid
when the declarant gives no end of validity (`DATE_FIN_VALIDITE` always wins).

Reviewed in code on purpose: each renewal period comes with the text it rests on, and a
change of period is a change a reviewer reads, with its source. No database table: the
list is small, versioned with the code, and read on every declaration.

Periods are "renewal due after" durations. Where the text only asks for a renewal "as
often as needed" (work at height, chemical or biological risks…), `renewal_months` is
None: the training has no end of validity unless one is declared.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.db import models

from passeport.referentials.text import normalize


class RiskFamily(models.TextChoices):
    """The risk families of the passeport de prévention's leaflet."""

    BIOLOGICAL = "biological", "Risques biologiques"
    RADIOLOGICAL = "radiological", "Risques radiologiques"
    CHEMICAL = "chemical", "Risques chimiques"
    EQUIPMENT = "equipment", "Équipements et machines"
    ENVIRONMENT = "environment", "Environnement de travail"
    PSYCHOSOCIAL = "psychosocial", "Risques psychosociaux"


@dataclass(frozen=True)
class TrainingKind:
    code: str
    label: str
    renewal_months: int | None
    regulation: str
    risk_families: tuple[str, ...]
    keywords: tuple[str, ...] = ()
    certification_codes: tuple[str, ...] = ()

    @property
    def risk_family_labels(self) -> list[str]:
        return [RiskFamily(family).label for family in self.risk_families]

    @property
    def renewal_label(self) -> str:
        months = self.renewal_months
        if months is None:
            return "Pas de renouvellement réglementaire"
        if months % 12 == 0:
            years = months // 12
            return f"{years} an{'s' if years > 1 else ''}"
        return f"{months} mois"


_B, _R, _C = RiskFamily.BIOLOGICAL, RiskFamily.RADIOLOGICAL, RiskFamily.CHEMICAL
_E, _W, _P = RiskFamily.EQUIPMENT, RiskFamily.ENVIRONMENT, RiskFamily.PSYCHOSOCIAL

_CACES = (
    "Recommandation CNAM {r} (CACES®, révision 2020) : certificat valable {years} ans ; "
    "autorisation de conduite de l'employeur, Code du travail R.4323-55 à R.4323-57"
)


def _caces(number: str, label: str, years: int, *keywords: str) -> TrainingKind:
    return TrainingKind(
        code=f"CACES_R{number}",
        label=f"CACES® R{number} — {label}",
        renewal_months=12 * years,
        regulation=_CACES.format(r=f"R{number}", years=years),
        risk_families=(_E,),
        keywords=(f"r{number}", f"r {number}", f"caces r{number}", f"caces r {number}", *keywords),
    )


KINDS: tuple[TrainingKind, ...] = (
    TrainingKind(
        "SST",
        "Sauveteur secouriste du travail (SST)",
        24,
        "Code du travail R.4224-15 ; document de référence INRS du dispositif SST : "
        "certificat valable 24 mois, maintenu par un MAC SST",
        (_W,),
        ("sst", "sauveteur secouriste", "sauveteur secouriste du travail", "secouriste du travail"),
    ),
    TrainingKind(
        "MAC_SST",
        "Maintien et actualisation des compétences SST (MAC SST)",
        24,
        "Code du travail R.4224-15 ; document de référence INRS du dispositif SST : "
        "MAC tous les 24 mois",
        (_W,),
        ("mac sst", "maintien et actualisation des competences sst", "recyclage sst"),
    ),
    _caces("482", "engins de chantier", 10, "engins de chantier"),
    _caces("483", "grues mobiles", 5, "grues mobiles", "grue mobile"),
    _caces("484", "ponts roulants et portiques", 5, "ponts roulants", "pont roulant"),
    _caces("485", "chariots de manutention automoteurs gerbeurs", 5, "gerbeur", "gerbeurs"),
    _caces(
        "486",
        "plates-formes élévatrices mobiles de personnes (PEMP)",
        5,
        "pemp",
        "nacelle",
        "nacelles",
        "plates formes elevatrices mobiles",
    ),
    _caces("487", "grues à tour", 5, "grue a tour", "grues a tour"),
    _caces(
        "489",
        "chariots de manutention automoteurs à conducteur porté",
        5,
        "chariot elevateur",
        "chariots elevateurs",
        "chariots de manutention",
        "cariste",
    ),
    _caces(
        "490",
        "grues auxiliaires de chargement de véhicules",
        5,
        "grue auxiliaire",
        "grues auxiliaires",
        "grues de chargement",
    ),
    TrainingKind(
        "HABILITATION_ELECTRIQUE",
        "Habilitation électrique",
        36,
        "Code du travail R.4544-9 et R.4544-10 ; norme NF C18-510 : recyclage recommandé "
        "tous les 3 ans (INRS ED 6127)",
        (_E, _W),
        (
            "habilitation electrique",
            "habilitations electriques",
            "nf c18 510",
            "h0 b0",
            "b0 h0",
            "b1v",
            "b2v",
            "br bc",
            "bs be",
        ),
    ),
    TrainingKind(
        "AMIANTE_SS3",
        "Prévention du risque amiante — sous-section 3",
        36,
        "Code du travail R.4412-117 ; arrêté du 23 février 2012, art. 3 : recyclage au plus "
        "tard 3 ans après la formation précédente",
        (_C,),
        ("amiante sous section 3", "amiante ss3", "ss3", "sous section 3", "retrait d amiante"),
    ),
    TrainingKind(
        "AMIANTE_SS4",
        "Prévention du risque amiante — sous-section 4",
        36,
        "Code du travail R.4412-117 ; arrêté du 23 février 2012, art. 3 : recyclage au plus "
        "tard 3 ans après la formation précédente",
        (_C,),
        ("amiante sous section 4", "amiante ss4", "ss4", "sous section 4"),
    ),
    TrainingKind(
        "TRAVAIL_HAUTEUR",
        "Travail en hauteur et port du harnais",
        None,
        "Code du travail R.4323-3 et R.4323-106 : formation renouvelée aussi souvent que "
        "nécessaire (pas de période réglementaire)",
        (_W, _E),
        ("travail en hauteur", "travaux en hauteur", "harnais", "antichute", "echafaudage"),
    ),
    TrainingKind(
        "RADIOPROTECTION_PCR",
        "Personne compétente en radioprotection (PCR)",
        60,
        "Code du travail R.4451-125 ; arrêté du 18 décembre 2019 : certificat de PCR valable 5 ans",
        (_R,),
        ("personne competente en radioprotection", "pcr"),
    ),
    TrainingKind(
        "RADIOPROTECTION_TRAVAILLEURS",
        "Radioprotection des travailleurs exposés",
        36,
        "Code du travail R.4451-58 et R.4451-59 : formation renouvelée au moins tous les 3 ans",
        (_R,),
        (
            "radioprotection",
            "rayonnements ionisants",
            "travailleurs exposes",
            "radioprotection des travailleurs",
        ),
    ),
    TrainingKind(
        "CATEC",
        "Intervention en espaces confinés (CATEC®)",
        36,
        "Code du travail R.4222-23 ; recommandation CNAM R472 et dispositif CATEC® : "
        "certificat valable 3 ans",
        (_W, _C, _B),
        ("catec", "espace confine", "espaces confines"),
    ),
    TrainingKind(
        "PRAP",
        "Prévention des risques liés à l'activité physique (PRAP)",
        24,
        "Code du travail R.4541-8 ; document de référence INRS PRAP : MAC tous les 24 mois",
        (_W,),
        ("prap", "prap ibc", "prap 2s", "risques lies a l activite physique"),
    ),
    TrainingKind(
        "GESTES_POSTURES",
        "Gestes et postures (manutention manuelle)",
        None,
        "Code du travail R.4541-8 : formation adaptée, sans période réglementaire",
        (_W,),
        ("gestes et postures", "manutention manuelle", "tms", "troubles musculo squelettiques"),
    ),
    TrainingKind(
        "RISQUE_CHIMIQUE",
        "Prévention des risques chimiques",
        None,
        "Code du travail R.4412-38 : formation renouvelée aussi souvent que nécessaire",
        (_C,),
        (
            "risque chimique",
            "risques chimiques",
            "produits chimiques",
            "agents chimiques",
            "cmr",
        ),
    ),
    TrainingKind(
        "RISQUE_BIOLOGIQUE",
        "Prévention des risques biologiques",
        None,
        "Code du travail R.4425-6 : formation renouvelée aussi souvent que nécessaire",
        (_B,),
        ("risque biologique", "risques biologiques", "agents biologiques", "aes"),
    ),
    TrainingKind(
        "RPS",
        "Prévention des risques psychosociaux",
        None,
        "Code du travail L.4121-1 et L.4121-2 (obligation générale de prévention) : pas de "
        "période réglementaire",
        (_P,),
        ("risques psychosociaux", "rps", "harcelement", "burn out", "qualite de vie au travail"),
    ),
    TrainingKind(
        "ATEX",
        "Atmosphères explosives (ATEX)",
        None,
        "Code du travail R.4227-44 à R.4227-54 : formation adaptée, sans période "
        "réglementaire (recyclage de 3 ans d'usage, non imposé)",
        (_C, _W),
        ("atex", "atmospheres explosives", "atmosphere explosive"),
    ),
    TrainingKind(
        "AIPR",
        "Autorisation d'intervention à proximité des réseaux (AIPR)",
        60,
        "Code de l'environnement R.554-31 ; arrêté du 15 février 2012 modifié, art. 21 : "
        "attestation de compétences valable 5 ans",
        (_E, _W),
        ("aipr", "intervention a proximite des reseaux"),
    ),
    TrainingKind(
        "FIMO",
        "Formation initiale minimale obligatoire (FIMO) — transport",
        60,
        "Code des transports R.3314-1 et suivants ; carte de qualification de conducteur "
        "valable 5 ans, renouvelée par la FCO",
        (_E, _W),
        ("fimo", "formation initiale minimale obligatoire"),
    ),
    TrainingKind(
        "FCO",
        "Formation continue obligatoire (FCO) — transport",
        60,
        "Code des transports R.3314-10 : formation continue tous les 5 ans",
        (_E, _W),
        ("fco", "formation continue obligatoire"),
    ),
    TrainingKind(
        "EPI_INCENDIE",
        "Équipier de première intervention (incendie)",
        12,
        "Code du travail R.4227-28 et R.4227-39 (consignes, exercices au moins tous les "
        "6 mois) ; règle APSAD R6 : formation renouvelée chaque année",
        (_W,),
        (
            "equipier de premiere intervention",
            "epi incendie",
            "manipulation des extincteurs",
            "extincteur",
            "extincteurs",
        ),
    ),
    TrainingKind(
        "DIISOCYANATES",
        "Utilisation sûre des diisocyanates",
        60,
        "Règlement (UE) 2020/1149, annexe XVII de REACH, entrée 74 : formation renouvelée "
        "au moins tous les 5 ans",
        (_C,),
        ("diisocyanate", "diisocyanates", "isocyanates", "polyurethane"),
    ),
)

_BY_CODE = {kind.code: kind for kind in KINDS}
if len(_BY_CODE) != len(KINDS):  # pragma: no cover - a reviewer's typo
    raise ImportError("Deux types de formation du catalogue ont le même code.")

CHOICES = [(kind.code, kind.label) for kind in KINDS]


def by_code(code: str) -> TrainingKind | None:
    return _BY_CODE.get(code or "")


def codes_for_family(family: str) -> list[str]:
    return [kind.code for kind in KINDS if family in kind.risk_families]


def _normalized_keywords():
    # (padded keyword, its length, kind): matched as whole words in the padded title.
    pairs = [(f" {normalize(word)} ", kind) for kind in KINDS for word in kind.keywords]
    return [(padded, len(padded), kind) for padded, kind in pairs]


_KEYWORDS = _normalized_keywords()
_BY_CERTIFICATION = {code.upper(): kind for kind in KINDS for code in kind.certification_codes}


def classify(title: str, certification_code: str = "") -> TrainingKind | None:
    """The catalogue kind of a declared training: its certification code if known,
    else the longest keyword found as whole words in the title (accents, case and
    punctuation ignored), so that « MAC SST » wins over « SST » and « amiante SS3 »
    over « amiante »."""
    by_certification = _BY_CERTIFICATION.get((certification_code or "").strip().upper())
    if by_certification is not None:
        return by_certification
    padded = f" {normalize(title)} "
    if not padded.strip():
        return None
    best, best_length = None, 0
    for keyword, length, kind in _KEYWORDS:
        if length > best_length and keyword in padded:
            best, best_length = kind, length
    return best


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` plus `months` calendar months; the 31st becomes the month's last day
    (31 January + 1 month = 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return day.replace(year=year, month=month + 1, day=min(day.day, last))


def effective_validity_end(
    kind: TrainingKind | None,
    valid_from: datetime.date | None,
    declared_until: datetime.date | None,
) -> datetime.date | None:
    """The end of validity a passport entry gets: the declared one, else the kind's
    renewal period. Stored on the record when it is created; recomputed the same way
    for a declaration line's pages, so that every page shows the same end."""
    if declared_until is not None:
        return declared_until
    return validity_end(kind, valid_from)


def line_validity(declaration, line, today: datetime.date):
    """A declaration line's validity, as its passport entry has it."""
    from passeport.records.validity import validity

    kind = classify(declaration.display_title, certification_code=declaration.certification_code)
    end = effective_validity_end(kind, line.valid_from, line.valid_until)
    return validity(line.valid_from, end, today)


def validity_end(kind: TrainingKind | None, valid_from: datetime.date) -> datetime.date | None:
    """The end of validity given by the kind's renewal period, or None (no period, or
    an unknown kind). Only used when the declarant gave no end of validity."""
    if kind is None or kind.renewal_months is None or valid_from is None:
        return None
    return add_months(valid_from, kind.renewal_months)
