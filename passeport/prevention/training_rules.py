"""The training block of a prevention declaration line (what every trainee of one
`ID_DECLARATION` shares: intitulé, dates, ROME codes, certification or Formacode/NSF,
and for a JDR its own block), checked once per distinct content: a file repeats the
block on every trainee's line."""

import operator
import re

from passeport.core.caches import BoundedCache

from .enums import AwardMode, DeclarationKind, JdrType, Modality
from .enums import TrainerQualification as Qualification
from .lines import COLUMNS, TRAINING_COLUMNS, LineError, Training, split_multi
from .lookups import Lookups

MIN_SKILLS, MAX_SKILLS = 3, 10
MAX_FORMACODES, MAX_NSF = 5, 3
# Distinct training blocks kept (about 2 KB each): a file's lines of one declaration are
# neighbours, so a few thousand recent ones answer nearly every line.
TRAINING_CACHE_SIZE = 2_000
_ROME_RE = re.compile(r"[A-N]\d{4}", re.ASCII)
_FORMACODE_RE = re.compile(r"\d{5}", re.ASCII)
# NSF (nomenclature des spécialités de formation): domain, group or speciality (1 to 3
# digits starting 1–4) and an optional function letter, as in France Compétences' data.
_NSF_RE = re.compile(r"[1-4]\d{0,2}[a-z]?", re.ASCII)
# Allowed codes, built once (an enum's `.values` builds a new list on every access).
_JDR_TYPES = tuple(JdrType.values)
_AWARD_MODES = tuple(AwardMode.values)
_MODALITIES = tuple(Modality.values)
_QUALIFICATIONS = tuple(Qualification.values)


class TrainingRules:
    """Checks the training blocks of lines of one kind; keeps the verdict of the most
    recent distinct blocks."""

    def __init__(self, kind: str, lookups: Lookups):
        self.kind = kind
        self.lookups = lookups
        # Training block values → (the Training and its repr, or its errors and ""); bounded
        # so that memory stays flat however long the file (unbounded, it grew by about
        # 2 KB per distinct training, measured).
        self._trainings: dict[tuple, tuple[Training | list[LineError], str]] = BoundedCache(
            TRAINING_CACHE_SIZE
        )
        # One getter of the block's values (the cache key), computed once per kind.
        self._key = operator.itemgetter(*[c for c in COLUMNS[kind] if c in TRAINING_COLUMNS])

    def check(self, get, by_column: dict[str, str]) -> tuple[Training | list[LineError], str]:
        """The shared block, checked once per distinct content. Returns the Training and
        its repr (for the line's digest), or its errors and ""."""
        key = self._key(by_column)
        cached = self._trainings.get(key)
        if cached is None:
            errors: list[LineError] = []
            training = self._check(get, errors)
            cached = (errors, "") if errors else (training, repr(training))
            self._trainings[key] = cached
        return cached

    def _check(self, get, errors: list[LineError]) -> Training | None:
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
            training_present = self.lookups.yes_no(get, "PRESENCE_FORMATION", errors, required=True)
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
            unknown = [c for c in skills if c not in bad and c not in self.lookups.rome_codes()]
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
        start = self.lookups.date(get, "DATE_DEBUT_FORMATION", errors, required=required)
        end = self.lookups.date(get, "DATE_FIN_FORMATION", errors, required=required)
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

        certifying = self.lookups.yes_no(get, "FORMATION_CERTIFIANTE", errors, required=required)
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
                error = self.lookups.certification_error(code)
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


def _enum_error(column: str, value: str, allowed) -> LineError:
    return LineError(
        column, f"{column} : valeur « {value} » inconnue (valeurs admises : {', '.join(allowed)})."
    )
