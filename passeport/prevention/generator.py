"""Synthetic ADF / JDR files that the import accepts, for demos, tests and benchmarks.

Lines name persons of the database (NIR on 13 characters + birth name, as `seed_demo`
creates them), ROME codes of the referential and, for some trainees, an employer of the
database. Written line by line: a 100,000-line file never sits in memory.
"""

import csv
import datetime
import random
from collections.abc import Iterable, Iterator

from .enums import DeclarationKind
from .import_reader import SEPARATOR
from .lines import COLUMNS, MAX_BIRTH_NAME

TRAININGS = (
    # title, Formacode, NSF, JDR type, JDR name
    ("Sauveteur secouriste du travail (SST)", "42866", "344t", "CERTIFICAT", "Certificat SST"),
    ("CACES R489 catégorie 3 - chariots élévateurs", "31795", "311u", "CERTIFICAT", "CACES R489"),
    ("Habilitation électrique B1V - H0V", "24054", "255r", "HABILITATION", "Habilitation B1V"),
    ("Travail en hauteur et port du harnais", "42829", "344t", "CERTIFICAT", "Travail en hauteur"),
    ("Amiante sous-section 4 - opérateur", "42820", "344t", "CERTIFICAT", "Amiante SS4"),
    ("Prévention des risques liés à l'activité physique (PRAP)", "42823", "344t", "", ""),
)
TRAINEES_PER_DECLARATION = 25


def database_persons() -> Iterable[tuple[str, str]]:
    """(NIR on 13 characters, birth name) of the database's persons, read in chunks."""
    from passeport.people.crypto import decrypt_nir
    from passeport.people.models import Person

    class _Persons:
        def __iter__(self):
            rows = (
                Person.objects.order_by("pk")
                .values_list("nir_encrypted", "birth_name")
                .iterator(chunk_size=5000)
            )
            for token, name in rows:
                if len(name) <= MAX_BIRTH_NAME:  # longer names cannot be declared
                    yield decrypt_nir(token)[:13], name

    return _Persons()


def database_rome_codes(limit: int = 40) -> list[str]:
    from passeport.referentials.models import RomeCode

    return list(RomeCode.objects.order_by("code").values_list("code", flat=True)[:limit])


def database_employer_sirets(limit: int = 50) -> list[str]:
    from passeport.organisations.models import Organisation

    return list(
        Organisation.objects.filter(is_employer=True)
        .order_by("pk")
        .values_list("siret", flat=True)[:limit]
    )


def _cycle(items: Iterable) -> Iterator:
    while True:
        empty = True
        for item in items:
            empty = False
            yield item
        if empty:
            raise ValueError("Aucun titulaire dans la base : lancez d'abord seed_demo.")


def write_file(
    out,
    *,
    kind: str,
    lines: int,
    persons: Iterable[tuple[str, str]],
    rome_codes: list[str],
    employer_sirets: list[str] = (),
    seed: int = 1,
    prefix: str | None = None,
    end_date: datetime.date | None = None,
) -> int:
    """Writes `lines` trainee lines to the text stream `out`; returns how many."""
    if len(rome_codes) < 3:
        raise ValueError("Il faut au moins 3 codes ROME (chargez les référentiels).")
    rng = random.Random(seed)
    prefix = prefix or f"GEN{seed}"
    end_date = end_date or datetime.date.today() - datetime.timedelta(days=30)
    columns = COLUMNS[kind]
    writer = csv.writer(out, delimiter=SEPARATOR, lineterminator="\r\n")
    writer.writerow(columns)
    people = _cycle(persons)
    written = 0
    declaration = 0
    while written < lines:
        declaration += 1
        title, formacode, nsf, jdr_type, jdr_name = rng.choice(TRAININGS)
        if kind == DeclarationKind.JDR and not jdr_type:
            jdr_type, jdr_name = "CERTIFICAT", title
        end = end_date - datetime.timedelta(days=rng.randrange(0, 60))
        start = end - datetime.timedelta(days=rng.randrange(0, 4))
        skills = rng.sample(rome_codes, rng.randint(3, min(5, len(rome_codes))))
        renewal = rng.choice((None, 2, 3, 5))
        shared = {
            "ID_DECLARATION": f"{prefix}-{declaration:07d}",
            "REFERENCE_DECLARATION": f"SESSION-{declaration:07d}",
            "NOM_FORMATION": title,
            "DATE_DEBUT_FORMATION": start.strftime("%d/%m/%Y"),
            "DATE_FIN_FORMATION": end.strftime("%d/%m/%Y"),
            "MODALITE_DISPENSE": rng.choice(("PRESENTIEL", "PRESENTIEL", "MIXTE")),
            "COMPETENCE_TRANSFERABLE": "/".join(skills),
            "QUALIFICATION_FORMATEUR": rng.choice(
                ("PREVENTEUR", "FORMATEUR_D_ADULTES_FORMATION_SPECIALISEE")
            ),
            "FORMATION_CERTIFIANTE": "NON",
            "DOMAINE_FORMATION": formacode,
            "SPECIALITE_FORMATION": nsf,
            "TYPE_JDR": jdr_type,
            "NOM_JDR": jdr_name,
            "MODE_OBTENTION": "PAR_ADMISSION",
            "PRESENCE_FORMATION": "OUI",
        }
        employer = rng.choice(employer_sirets) if employer_sirets and rng.random() < 0.5 else ""
        for index in range(1, min(TRAINEES_PER_DECLARATION, lines - written) + 1):
            nir, name = next(people)
            valid_until = (
                end.replace(year=end.year + renewal)
                if renewal and end.month * 100 + end.day != 229
                else None
            )
            values = {
                **shared,
                "ID_UNIQUE_PARTENAIRE": f"{prefix}-{declaration:07d}-{index:03d}",
                "NIR": nir,
                "NOM_TITULAIRE": name,
                "PRESENCE_EMPLOYEUR": "OUI" if employer else "NON",
                "SIRET_EMPLOYEUR": employer,
                "REFERENCE_EMPLOYEUR": f"BC-{declaration}" if employer else "",
                "DATE_DEBUT_VALIDITE": end.strftime("%d/%m/%Y"),
                "DATE_FIN_VALIDITE": valid_until.strftime("%d/%m/%Y") if valid_until else "",
                "RESULTAT_OBTENU": "Admis",
                "IDENTIFIANT_PREUVE": f"PV-{declaration}-{index}",
            }
            writer.writerow([values.get(column, "") for column in columns])
            written += 1
    return written
