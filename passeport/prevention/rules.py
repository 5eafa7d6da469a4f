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

The line's layout and results are in `lines`, the training block's checks in
`training_rules`, the cached look-ups in `lookups`.
"""

import datetime
import re
from collections.abc import Sequence

from passeport.organisations.models import Organisation
from passeport.organisations.siret import SiretError
from passeport.people.matching import MatchError, match_many_ids_by_nir
from passeport.people.nir import NirError, validate_nir

from .enums import DeclarantRole, DeclarationKind
from .lines import (
    COLUMNS,
    MAX_BIRTH_NAME,
    MULTI_SEPARATOR,
    CheckedLine,
    LineError,
    Outcome,
    Training,
)
from .lookups import Lookups
from .training_rules import TrainingRules

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

_URL_RE = re.compile(r"https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?", re.ASCII | re.IGNORECASE)


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
        self.lookups = Lookups()
        self.training_rules = TrainingRules(kind, self.lookups)
        # Per-line work computed once per kind: the length checks that apply.
        self._max_lengths = [(c, limit) for c, limit in MAX_LENGTHS.items() if c in self.index]

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

        training, training_repr = self.training_rules.check(get, by_column)

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

        employer_present = self.lookups.yes_no(get, "PRESENCE_EMPLOYEUR", errors, required=True)
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
                checked_siret = self.lookups.siret(siret)
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

        valid_from = self.lookups.date(get, "DATE_DEBUT_VALIDITE", errors, required=True)
        valid_until = self.lookups.date(get, "DATE_FIN_VALIDITE", errors, required=False)
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

    def _resolve(self, outcomes: list[Outcome]) -> None:
        """Persons by NIR hash and employers by SIRET, for every line that names them
        well enough to look them up."""
        for outcome in outcomes:
            line = outcome.checked
            if line is not None:
                outcome.nir, outcome.birth_name = line.nir, line.birth_name
                outcome.employer_siret = line.employer_siret if line.employer_present else ""
        wanted = {o.employer_siret for o in outcomes if o.employer_siret}
        employers = self.lookups.employers(wanted)
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
