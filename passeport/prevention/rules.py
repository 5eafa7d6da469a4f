"""The one set of rules for a prevention declaration line (ADF or JDR), whatever the
channel: the file import reads lines as they are, the web form and the API build the
same line (column → text, multiple values separated by `/`, dates `jj/mm/aaaa`) and call
the same `Rules.check`.

A line becomes a `CheckedLine` (typed values, matched person and employer) or a list of
`LineError`s, each naming the official column and the reason in French. Referential
look-ups (ROME codes, RS/RNCP fiches, organisations by SIRET, persons by NIR hash) are
made once per batch of lines, not per line.

Checks that depend on other lines or on what was declared earlier (same
`ID_UNIQUE_PARTENAIRE` twice, lines of one `ID_DECLARATION` describing different
trainings, more than 500 trainees) are made by `services.Declarer`, which has that
state.
"""

import dataclasses
import datetime
import hashlib
import operator
import re
from collections.abc import Sequence

from passeport.core.caches import BoundedCache
from passeport.organisations.models import Organisation
from passeport.organisations.siret import SiretError, validate_siret
from passeport.people.matching import MatchError, match_many_ids_by_nir
from passeport.people.nir import NirError, validate_nir
from passeport.referentials.models import Fiche, RomeCode

from .enums import AwardMode, DeclarantRole, DeclarationKind, JdrType, Modality
from .enums import TrainerQualification as Qualification

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
MIN_SKILLS, MAX_SKILLS = 3, 10
MAX_FORMACODES, MAX_NSF = 5, 3
MAX_BIRTH_NAME = 30
# Entries kept by each look-up cache of `Rules` (dates, SIRETs, employers, certifications)
# and distinct training blocks kept (about 2 KB each): a file's lines of one declaration
# are neighbours, so a few thousand recent ones answer nearly every line.
CACHE_SIZE = 10_000
TRAINING_CACHE_SIZE = 2_000
# Field lengths of the models the values go into.
MAX_LENGTHS = {
    "ID_DECLARATION": 100,
    "REFERENCE_DECLARATION": 255,
    "ID_UNIQUE_PARTENAIRE": 100,
    "NOM_FORMATION": 500,
    "NOM_JDR": 500,
    "NOM_OPTION_SPECIALITE": 255,
    "REFERENCE_EMPLOYEUR": 255,
    "RESULTAT_OBTENU": 255,
    "MENTION_OBTENUE": 255,
    "LIEN_PREUVE": 500,
    "IDENTIFIANT_PREUVE": 255,
}

_DATE_RE = re.compile(r"(\d{2})/(\d{2})/(\d{4})", re.ASCII)
_ROME_RE = re.compile(r"[A-N]\d{4}", re.ASCII)
_CERTIFICATION_RE = re.compile(r"(RS|RNCP)(\d{1,6})", re.ASCII)
_FORMACODE_RE = re.compile(r"\d{5}", re.ASCII)
# NSF (nomenclature des spécialités de formation): domain, group or speciality (1 to 3
# digits starting 1–4) and an optional function letter, as in France Compétences' data.
_NSF_RE = re.compile(r"[1-4]\d{0,2}[a-z]?", re.ASCII)
_URL_RE = re.compile(r"https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?", re.ASCII | re.IGNORECASE)
_YES_NO = {"OUI": True, "NON": False}
# Allowed codes, built once (an enum's `.values` builds a new list on every access).
_JDR_TYPES = tuple(JdrType.values)
_AWARD_MODES = tuple(AwardMode.values)
_MODALITIES = tuple(Modality.values)
_QUALIFICATIONS = tuple(Qualification.values)


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


class Rules:
    """Checks lines of one kind sent by one declarant. Keeps its referential look-ups
    between batches (a file is checked batch by batch with the same `Rules`)."""

    def __init__(self, kind: str, declarant: Organisation, role: str):
        if kind not in COLUMNS:
            raise ValueError(f"Type de déclaration inconnu : {kind}")
        self.kind = kind
        self.columns = COLUMNS[kind]
        self.index = {name: i for i, name in enumerate(self.columns)}
        self.declarant = declarant
        self.role = role
        self._rome_codes: frozenset[str] | None = None
        # Bounded, so that memory stays flat however long the file (unbounded, they
        # grew by about 2 KB per distinct training, measured). A file whose lines of one
        # declaration are not neighbours is still checked right, only more slowly.
        self._fiches: dict[str, Fiche | None] = BoundedCache(CACHE_SIZE)
        self._organisations: dict[str, Organisation | None] = BoundedCache(CACHE_SIZE)
        self._dates: dict[str, datetime.date | str] = BoundedCache(CACHE_SIZE)
        self._sirets: dict[str, str | SiretError] = BoundedCache(CACHE_SIZE)
        # Training block values → (the Training and its repr, or its errors and "").
        self._trainings: dict[tuple, tuple[Training | list[LineError], str]] = BoundedCache(
            TRAINING_CACHE_SIZE
        )
        # Per-line work computed once per kind: the length checks that apply, and one
        # getter of the training block's values (the cache key of `_training`).
        self._max_lengths = [(c, limit) for c, limit in MAX_LENGTHS.items() if c in self.index]
        self._training_key = operator.itemgetter(
            *[c for c in self.columns if c in TRAINING_COLUMNS]
        )

    # --- Public ---------------------------------------------------------------------

    def check(self, rows: Sequence[tuple[int, Sequence[str]]]) -> list[Outcome]:
        """Checks `(line number, values in column order)` pairs; one outcome each, in
        order. Values are stripped text; missing trailing values count as empty."""
        outcomes = [self._check_shape(number, values) for number, values in rows]
        self._resolve(outcomes)
        return outcomes

    def row_from_mapping(self, values: dict[str, object]) -> list[str]:
        """A line in column order from column → value (text, list of codes, or date)
        for the web form and the API."""
        row = []
        for column in self.columns:
            value = values.get(column)
            if value is None:
                row.append("")
            elif isinstance(value, datetime.date):
                row.append(value.strftime("%d/%m/%Y"))
            elif isinstance(value, list | tuple):
                row.append(MULTI_SEPARATOR.join(str(v).strip() for v in value))
            elif isinstance(value, bool):
                row.append("OUI" if value else "NON")
            else:
                row.append(str(value).strip())
        return row

    # --- One line, without the database ----------------------------------------------

    def _check_shape(self, number: int, values: Sequence[str]) -> Outcome:
        columns = self.columns
        if len(values) < len(columns):
            values = list(values) + [""] * (len(columns) - len(values))
        by_column = dict(zip(columns, map(str.strip, values), strict=False))
        get = by_column.__getitem__
        errors: list[LineError] = []
        add = errors.append
        partner_id = get("ID_UNIQUE_PARTENAIRE")
        outcome = Outcome(number, partner_id)

        for column in ("ID_DECLARATION", "REFERENCE_DECLARATION", "ID_UNIQUE_PARTENAIRE"):
            if not get(column):
                add(LineError(column, f"{column} est obligatoire."))
        for column, limit in self._max_lengths:
            if len(get(column)) > limit:
                add(LineError(column, f"{column} dépasse {limit} caractères."))

        training, training_repr = self._training(get, by_column)

        nir = get("NIR").replace(" ", "").upper()
        if not nir:
            add(LineError("NIR", "Le NIR est obligatoire."))
        elif len(nir) == 15:
            try:
                validate_nir(nir)
                add(
                    LineError(
                        "NIR",
                        "Le NIR doit être donné sur 13 caractères, sans la clé (15 reçus).",
                    )
                )
            except NirError as error:
                add(LineError("NIR", f"{error.message} Le NIR attendu a 13 caractères."))
        elif len(nir) != 13:
            add(LineError("NIR", f"Le NIR doit comporter 13 caractères, {len(nir)} reçus."))
        birth_name = get("NOM_TITULAIRE")
        if not birth_name:
            add(LineError("NOM_TITULAIRE", "Le nom de naissance du titulaire est obligatoire."))
        elif len(birth_name) > MAX_BIRTH_NAME:
            add(
                LineError(
                    "NOM_TITULAIRE",
                    f"Le nom de naissance dépasse {MAX_BIRTH_NAME} caractères "
                    f"({len(birth_name)} reçus).",
                )
            )

        employer_present = self._yes_no(get, "PRESENCE_EMPLOYEUR", errors, required=True)
        siret = get("SIRET_EMPLOYEUR").replace(" ", "")
        employer_reference = get("REFERENCE_EMPLOYEUR")
        if employer_present:
            if not siret:
                add(
                    LineError(
                        "SIRET_EMPLOYEUR",
                        "Le SIRET de l'employeur est obligatoire quand PRESENCE_EMPLOYEUR=OUI.",
                    )
                )
            else:
                # A file names a few employers many times: each SIRET is checked once.
                checked_siret = self._sirets.get(siret)
                if checked_siret is None:
                    try:
                        checked_siret = validate_siret(siret)
                    except SiretError as error:
                        checked_siret = error
                    self._sirets[siret] = checked_siret
                if isinstance(checked_siret, SiretError):
                    add(LineError("SIRET_EMPLOYEUR", checked_siret.message))
                    siret = ""
                else:
                    siret = checked_siret
                if (
                    siret
                    and self.role == DeclarantRole.EMPLOYER
                    and siret[:9] != self.declarant.siren
                ):
                    add(
                        LineError(
                            "SIRET_EMPLOYEUR",
                            f"Un employeur déclare pour ses propres établissements : le SIRET "
                            f"{siret} n'appartient pas à l'entreprise {self.declarant.siren}.",
                        )
                    )
        elif employer_present is False:
            if siret:
                add(
                    LineError(
                        "SIRET_EMPLOYEUR",
                        "Le SIRET de l'employeur doit être vide quand PRESENCE_EMPLOYEUR=NON.",
                    )
                )
            if employer_reference:
                add(
                    LineError(
                        "REFERENCE_EMPLOYEUR",
                        "La référence employeur doit être vide quand PRESENCE_EMPLOYEUR=NON.",
                    )
                )

        valid_from = self._date(get, "DATE_DEBUT_VALIDITE", errors, required=True)
        valid_until = self._date(get, "DATE_FIN_VALIDITE", errors, required=False)
        if (
            valid_from
            and isinstance(training, Training)
            and training.end_date
            and valid_from < training.end_date
        ):
            add(
                LineError(
                    "DATE_DEBUT_VALIDITE",
                    f"La validité ({get('DATE_DEBUT_VALIDITE')}) commence avant la fin de la "
                    f"formation ({get('DATE_FIN_FORMATION')}).",
                )
            )
        if valid_from and valid_until and valid_until < valid_from:
            add(
                LineError(
                    "DATE_FIN_VALIDITE",
                    f"La fin de validité ({get('DATE_FIN_VALIDITE')}) précède son début "
                    f"({get('DATE_DEBUT_VALIDITE')}).",
                )
            )

        extra = {}
        if self.kind == DeclarationKind.JDR:
            proof_url = get("LIEN_PREUVE")
            if proof_url and not _URL_RE.fullmatch(proof_url):
                add(
                    LineError(
                        "LIEN_PREUVE",
                        "LIEN_PREUVE doit être une adresse web complète (https://…).",
                    )
                )
            extra = {
                "result": get("RESULTAT_OBTENU"),
                "mention": get("MENTION_OBTENUE"),
                "proof_url": proof_url,
                "proof_id": get("IDENTIFIANT_PREUVE"),
            }

        if isinstance(training, list):
            errors.extend(training)
        if errors:
            outcome.errors = errors
            if len(nir) == 13 and birth_name and len(birth_name) <= MAX_BIRTH_NAME:
                outcome.nir, outcome.birth_name = nir, birth_name
            if (
                employer_present
                and siret
                and not any(e.column == "SIRET_EMPLOYEUR" for e in errors)
            ):
                outcome.employer_siret = siret
            return outcome
        outcome.checked = CheckedLine(
            line=number,
            declaration_id=get("ID_DECLARATION"),
            partner_unique_id=partner_id,
            training=training,
            nir=nir,
            birth_name=birth_name,
            employer_present=employer_present,
            employer_siret=siret if employer_present else "",
            employer_reference=employer_reference if employer_present else "",
            valid_from=valid_from,
            valid_until=valid_until,
            training_repr=training_repr,
            **extra,
        )
        return outcome

    def _training(self, get, by_column: dict[str, str]) -> tuple[Training | list[LineError], str]:
        """The shared block, checked once per distinct content (a file repeats it on every
        trainee's line). Returns the Training and its repr, or its errors and ""."""
        key = self._training_key(by_column)
        cached = self._trainings.get(key)
        if cached is None:
            errors: list[LineError] = []
            training = self._check_training(get, errors)
            cached = (errors, "") if errors else (training, repr(training))
            self._trainings[key] = cached
        return cached

    def _check_training(self, get, errors: list[LineError]) -> Training | None:
        add = errors.append
        jdr = self.kind == DeclarationKind.JDR
        jdr_values = {}
        training_present = True
        if jdr:
            jdr_type = get("TYPE_JDR")
            if not jdr_type:
                add(LineError("TYPE_JDR", "TYPE_JDR est obligatoire."))
            elif jdr_type not in _JDR_TYPES:
                add(_enum_error("TYPE_JDR", jdr_type, _JDR_TYPES))
            if not get("NOM_JDR"):
                add(LineError("NOM_JDR", "NOM_JDR (intitulé du justificatif) est obligatoire."))
            award_mode = get("MODE_OBTENTION")
            if not award_mode:
                add(LineError("MODE_OBTENTION", "MODE_OBTENTION est obligatoire."))
            elif award_mode not in _AWARD_MODES:
                add(_enum_error("MODE_OBTENTION", award_mode, _AWARD_MODES))
            training_present = self._yes_no(get, "PRESENCE_FORMATION", errors, required=True)
            jdr_values = {
                "jdr_type": jdr_type,
                "jdr_name": get("NOM_JDR"),
                "option_speciality": get("NOM_OPTION_SPECIALITE"),
                "award_mode": award_mode,
                "training_present": training_present,
            }

        skills = [code.upper() for code in split_multi(get("COMPETENCE_TRANSFERABLE"))]
        if not MIN_SKILLS <= len(skills) <= MAX_SKILLS:
            add(
                LineError(
                    "COMPETENCE_TRANSFERABLE",
                    f"COMPETENCE_TRANSFERABLE attend de {MIN_SKILLS} à {MAX_SKILLS} codes ROME "
                    f"séparés par « / » ({len(skills)} reçu(s)).",
                )
            )
        else:
            bad = [code for code in skills if not _ROME_RE.fullmatch(code)]
            unknown = [c for c in skills if c not in bad and c not in self.rome_codes()]
            if bad:
                add(
                    LineError(
                        "COMPETENCE_TRANSFERABLE",
                        f"Code(s) ROME mal formé(s) : {', '.join(bad)} (une lettre et 4 "
                        "chiffres, ex. H2909).",
                    )
                )
            if unknown:
                add(
                    LineError(
                        "COMPETENCE_TRANSFERABLE",
                        f"Code(s) ROME inconnu(s) du référentiel ROME 4.0 : {', '.join(unknown)}.",
                    )
                )
            if len(set(skills)) != len(skills):
                add(LineError("COMPETENCE_TRANSFERABLE", "Un code ROME est répété."))

        # The training block: mandatory for an ADF and for a JDR with PRESENCE_FORMATION=OUI;
        # for a JDR without training, whatever is given is still checked.
        required = not jdr or training_present is True
        title = get("NOM_FORMATION")
        if required and not title:
            add(LineError("NOM_FORMATION", "NOM_FORMATION (intitulé) est obligatoire."))
        start = self._date(get, "DATE_DEBUT_FORMATION", errors, required=required)
        end = self._date(get, "DATE_FIN_FORMATION", errors, required=required)
        if start and end and end < start:
            add(
                LineError(
                    "DATE_FIN_FORMATION",
                    f"La fin de la formation ({get('DATE_FIN_FORMATION')}) précède son début "
                    f"({get('DATE_DEBUT_FORMATION')}).",
                )
            )
        modality = get("MODALITE_DISPENSE")
        if modality and modality not in _MODALITIES:
            add(_enum_error("MODALITE_DISPENSE", modality, _MODALITIES))
        qualifications = split_multi(get("QUALIFICATION_FORMATEUR"))
        wrong = [q for q in qualifications if q not in _QUALIFICATIONS]
        if wrong:
            add(_enum_error("QUALIFICATION_FORMATEUR", ", ".join(wrong), _QUALIFICATIONS))

        certifying = self._yes_no(get, "FORMATION_CERTIFIANTE", errors, required=required)
        code = get("CERTIFICATION_VISEE").replace(" ", "").upper()
        formacodes = split_multi(get("DOMAINE_FORMATION"))
        nsf_codes = [code_.lower() for code_ in split_multi(get("SPECIALITE_FORMATION"))]
        if certifying:
            if not code:
                add(
                    LineError(
                        "CERTIFICATION_VISEE",
                        "CERTIFICATION_VISEE est obligatoire quand FORMATION_CERTIFIANTE=OUI "
                        "(code RS ou RNCP, ex. RS5286).",
                    )
                )
            else:
                error = self._certification_error(code)
                if error:
                    add(LineError("CERTIFICATION_VISEE", error))
        elif certifying is False:
            if code:
                add(
                    LineError(
                        "CERTIFICATION_VISEE",
                        "CERTIFICATION_VISEE doit être vide quand FORMATION_CERTIFIANTE=NON.",
                    )
                )
            if not 1 <= len(formacodes) <= MAX_FORMACODES:
                add(
                    LineError(
                        "DOMAINE_FORMATION",
                        f"DOMAINE_FORMATION attend de 1 à {MAX_FORMACODES} Formacodes quand "
                        f"FORMATION_CERTIFIANTE=NON ({len(formacodes)} reçu(s)).",
                    )
                )
            if not 1 <= len(nsf_codes) <= MAX_NSF:
                add(
                    LineError(
                        "SPECIALITE_FORMATION",
                        f"SPECIALITE_FORMATION attend de 1 à {MAX_NSF} codes NSF quand "
                        f"FORMATION_CERTIFIANTE=NON ({len(nsf_codes)} reçu(s)).",
                    )
                )
        bad = [c for c in formacodes if not _FORMACODE_RE.fullmatch(c)]
        if bad:
            add(
                LineError(
                    "DOMAINE_FORMATION",
                    f"Formacode(s) mal formé(s) : {', '.join(bad)} (5 chiffres, ex. 42866).",
                )
            )
        bad = [c for c in nsf_codes if not _NSF_RE.fullmatch(c)]
        if bad:
            add(
                LineError(
                    "SPECIALITE_FORMATION",
                    f"Code(s) NSF mal formé(s) : {', '.join(bad)} (ex. 344 ou 344t).",
                )
            )
        if errors:
            return None
        return Training(
            kind=self.kind,
            reference=get("REFERENCE_DECLARATION"),
            title=title,
            start_date=start,
            end_date=end,
            modality=modality,
            transferable_skills=tuple(skills),
            trainer_qualifications=tuple(qualifications),
            certifying=certifying,
            certification_code=code,
            formacodes=tuple(formacodes),
            nsf_codes=tuple(nsf_codes),
            **jdr_values,
        )

    def _yes_no(self, get, column: str, errors: list[LineError], *, required: bool):
        value = get(column).upper()
        if not value:
            if required:
                errors.append(LineError(column, f"{column} est obligatoire (OUI ou NON)."))
            return None
        if value not in _YES_NO:
            errors.append(LineError(column, f"{column} vaut OUI ou NON, pas « {get(column)} »."))
            return None
        return _YES_NO[value]

    def _date(self, get, column: str, errors: list[LineError], *, required: bool):
        text = get(column)
        if not text:
            if required:
                errors.append(LineError(column, f"{column} est obligatoire (jj/mm/aaaa)."))
            return None
        parsed = self._dates.get(text)
        if parsed is None:
            match = _DATE_RE.fullmatch(text)
            try:
                if not match:
                    raise ValueError
                day, month, year = match.groups()
                parsed = datetime.date(int(year), int(month), int(day))
            except ValueError:
                parsed = f"n'est pas une date valide au format jj/mm/aaaa : « {text} »."
            self._dates[text] = parsed
        if isinstance(parsed, str):
            errors.append(LineError(column, f"{column} {parsed}"))
            return None
        return parsed

    # --- Referentials -----------------------------------------------------------------

    def rome_codes(self) -> frozenset[str]:
        if self._rome_codes is None:
            self._rome_codes = frozenset(RomeCode.objects.values_list("code", flat=True))
        return self._rome_codes

    def _certification_error(self, code: str) -> str:
        match = _CERTIFICATION_RE.fullmatch(code)
        if not match:
            return (
                f"Code de certification mal formé : « {code} » (RS ou RNCP suivi de chiffres, "
                "ex. RS5286)."
            )
        if code not in self._fiches:
            self._fiches[code] = Fiche.objects.filter(code=code).first()
        fiche = self._fiches[code]
        if fiche is None:
            return f"La certification {code} est inconnue du répertoire national (RNCP / RS)."
        if not fiche.active:
            return f"La certification {code} n'est plus active au répertoire national."
        return ""

    def _resolve(self, outcomes: list[Outcome]) -> None:
        """Persons by NIR hash and employers by SIRET, for every line that names them
        well enough to look them up."""
        for outcome in outcomes:
            line = outcome.checked
            if line is not None:
                outcome.nir, outcome.birth_name = line.nir, line.birth_name
                outcome.employer_siret = line.employer_siret if line.employer_present else ""
        wanted = {o.employer_siret for o in outcomes if o.employer_siret}
        # This batch's employers apart from the cache, which may forget some while the
        # missing ones are added.
        employers = {s: self._organisations[s] for s in wanted if s in self._organisations}
        missing = wanted - employers.keys()
        if missing:
            found = {org.siret: org for org in Organisation.objects.filter(siret__in=missing)}
            for siret in missing:
                employers[siret] = self._organisations[siret] = found.get(siret)
        named = [o for o in outcomes if o.nir]
        matches = match_many_ids_by_nir([(o.nir, o.birth_name) for o in named])
        persons = {id(o): match for o, match in zip(named, matches, strict=True)}
        for outcome in outcomes:
            errors = []
            match = persons.get(id(outcome))
            if isinstance(match, MatchError):
                column = "NOM_TITULAIRE" if match.code == "birth_name_mismatch" else "NIR"
                errors.append(LineError(column, match.message))
            employer = None
            if outcome.employer_siret:
                employer = employers.get(outcome.employer_siret)
                if employer is None:
                    errors.append(
                        LineError(
                            "SIRET_EMPLOYEUR",
                            f"Le SIRET {outcome.employer_siret} ne correspond à aucune "
                            "organisation connue du service.",
                        )
                    )
            line = outcome.checked
            if line is None:
                outcome.errors.extend(errors)
            elif errors:
                outcome.errors = errors
                outcome.checked = None
            else:
                line.person_id, line.employer = match, employer


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


def _enum_error(column: str, value: str, allowed) -> LineError:
    return LineError(
        column, f"{column} : valeur « {value} » inconnue (valeurs admises : {', '.join(allowed)})."
    )
