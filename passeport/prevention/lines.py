"""The official ADF / JDR line (the layout of the prevention declarations' files, which
every channel rebuilds): its columns, the training block that every trainee of one
`ID_DECLARATION` shares, and what checking a line gives — a typed `CheckedLine`, or
`LineError`s naming the official column (`rules.Rules` makes them)."""

import dataclasses
import datetime
import hashlib

from .enums import DeclarationKind

ADF_COLUMNS = (
    "ID_DECLARATION",
    "REFERENCE_DECLARATION",
    "ID_UNIQUE_PARTENAIRE",
    "NOM_FORMATION",
    "DATE_DEBUT_FORMATION",
    "DATE_FIN_FORMATION",
    "MODALITE_DISPENSE",
    "COMPETENCE_TRANSFERABLE",
    "QUALIFICATION_FORMATEUR",
    "FORMATION_CERTIFIANTE",
    "CERTIFICATION_VISEE",
    "DOMAINE_FORMATION",
    "SPECIALITE_FORMATION",
    "NIR",
    "NOM_TITULAIRE",
    "PRESENCE_EMPLOYEUR",
    "SIRET_EMPLOYEUR",
    "REFERENCE_EMPLOYEUR",
    "DATE_DEBUT_VALIDITE",
    "DATE_FIN_VALIDITE",
)
JDR_COLUMNS = (
    "ID_DECLARATION",
    "REFERENCE_DECLARATION",
    "ID_UNIQUE_PARTENAIRE",
    "TYPE_JDR",
    "NOM_JDR",
    "NOM_OPTION_SPECIALITE",
    "MODE_OBTENTION",
    "COMPETENCE_TRANSFERABLE",
    "PRESENCE_FORMATION",
    "NOM_FORMATION",
    "DATE_DEBUT_FORMATION",
    "DATE_FIN_FORMATION",
    "MODALITE_DISPENSE",
    "QUALIFICATION_FORMATEUR",
    "FORMATION_CERTIFIANTE",
    "CERTIFICATION_VISEE",
    "DOMAINE_FORMATION",
    "SPECIALITE_FORMATION",
    "NIR",
    "NOM_TITULAIRE",
    "PRESENCE_EMPLOYEUR",
    "SIRET_EMPLOYEUR",
    "REFERENCE_EMPLOYEUR",
    "DATE_DEBUT_VALIDITE",
    "DATE_FIN_VALIDITE",
    "RESULTAT_OBTENU",
    "MENTION_OBTENUE",
    "LIEN_PREUVE",
    "IDENTIFIANT_PREUVE",
)
COLUMNS = {DeclarationKind.ADF: ADF_COLUMNS, DeclarationKind.JDR: JDR_COLUMNS}

MULTI_SEPARATOR = "/"
MAX_BIRTH_NAME = 30

# The training block: the same for every trainee of a declaration (and what a correction of
# the declaration may change).
TRAINING_COLUMNS = frozenset(
    {
        "REFERENCE_DECLARATION",
        "TYPE_JDR",
        "NOM_JDR",
        "NOM_OPTION_SPECIALITE",
        "MODE_OBTENTION",
        "COMPETENCE_TRANSFERABLE",
        "PRESENCE_FORMATION",
        "NOM_FORMATION",
        "DATE_DEBUT_FORMATION",
        "DATE_FIN_FORMATION",
        "MODALITE_DISPENSE",
        "QUALIFICATION_FORMATEUR",
        "FORMATION_CERTIFIANTE",
        "CERTIFICATION_VISEE",
        "DOMAINE_FORMATION",
        "SPECIALITE_FORMATION",
    }
)


@dataclasses.dataclass(frozen=True, slots=True)
class LineError:
    column: str
    message: str


@dataclasses.dataclass(frozen=True, slots=True)
class Training:
    """What every trainee of one ID_DECLARATION shares (the declaration's content)."""

    kind: str
    reference: str
    title: str
    start_date: datetime.date | None
    end_date: datetime.date | None
    modality: str
    transferable_skills: tuple[str, ...]
    trainer_qualifications: tuple[str, ...]
    certifying: bool | None
    certification_code: str
    formacodes: tuple[str, ...]
    nsf_codes: tuple[str, ...]
    jdr_type: str = ""
    jdr_name: str = ""
    option_speciality: str = ""
    award_mode: str = ""
    training_present: bool | None = None

    @property
    def display_title(self) -> str:
        return self.jdr_name or self.title

    def model_fields(self) -> dict:
        """The values as `Declaration` fields."""
        # Not `dataclasses.asdict`: its deep copy of every value (texts, dates, tuples of
        # texts) cost more than building the declaration.
        values = {name: getattr(self, name) for name in _TRAINING_FIELDS}
        for name in ("transferable_skills", "trainer_qualifications", "formacodes", "nsf_codes"):
            values[name] = list(values[name])
        return values


_TRAINING_FIELDS = tuple(f.name for f in dataclasses.fields(Training) if f.name != "kind")


@dataclasses.dataclass(slots=True)
class CheckedLine:
    """A line that passed every rule: typed values, matched person and employer."""

    line: int
    declaration_id: str
    partner_unique_id: str
    training: Training
    nir: str
    birth_name: str
    employer_present: bool
    employer_siret: str
    employer_reference: str
    valid_from: datetime.date
    valid_until: datetime.date | None
    result: str = ""
    mention: str = ""
    proof_url: str = ""
    proof_id: str = ""
    person_id: int | None = None  # the matched people.Person
    employer: object = None  # organisations.Organisation
    # `repr(training)`, computed once per distinct training by `Rules` (a file repeats
    # one training on every trainee's line; the repr of a 17-field dataclass is costly).
    training_repr: str = ""

    @property
    def deadline_from(self) -> datetime.date:
        """What the deadline counts from: end of training (ADF), validity start (JDR)."""
        if self.training.kind == DeclarationKind.ADF:
            return self.training.end_date
        return self.valid_from

    def digest(self) -> str:
        """Identifies the declared content (not the NIR in clear: a keyed person id)."""
        parts = (
            self.declaration_id,
            self.partner_unique_id,
            self.training_repr or repr(self.training),
            str(self.person_id),
            self.birth_name.upper(),
            str(self.employer_present),
            self.employer_siret,
            self.employer_reference,
            self.valid_from.isoformat(),
            self.valid_until.isoformat() if self.valid_until else "",
            self.result,
            self.mention,
            self.proof_url,
            self.proof_id,
        )
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


@dataclasses.dataclass(slots=True)
class Outcome:
    """What became of one line: `checked` or `errors` (then `partner_unique_id` as read,
    for the report)."""

    line: int
    partner_unique_id: str
    checked: CheckedLine | None = None
    errors: list[LineError] = dataclasses.field(default_factory=list)
    # What identifies the trainee and the employer, checked against the database even
    # when other rules failed (every error of a line is said at once).
    nir: str = ""
    birth_name: str = ""
    employer_siret: str = ""


def split_multi(value: str) -> list[str]:
    return [part.strip() for part in value.split(MULTI_SEPARATOR) if part.strip()]
