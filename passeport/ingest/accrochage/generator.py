"""Synthetic accrochage files, valid against the XSD, for tests and benchmarks.

Written element by element (lxml `xmlfile`): a 200,000-passage file never sits in memory.
With `from_database`, passages name real persons by their birth identity and active
fiches of the referential, so that processing them accepts them.
"""

import datetime
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from lxml import etree

from .reader import NS

XSI = "http://www.w3.org/2001/XMLSchema-instance"
PASSAGES_PER_CERTIFICATION = 500


@dataclass(frozen=True)
class GeneratedHolder:
    birth_name: str
    first_name: str
    birth_year: int
    birth_month: int | None
    birth_day: int | None
    sex: str
    commune_code: str  # INSEE, "" when born abroad
    country_code: str  # 5-character INSEE (99100 = France)


def _e(xf, name, value=None, nil=False):
    attrs = {f"{{{XSI}}}nil": "true"} if nil else {}
    with xf.element(f"{{{NS}}}{name}", attrs):
        if value is not None:
            xf.write(str(value))


def write_file(
    out,
    holders: Iterable[GeneratedHolder],
    fiche_codes: list[str],
    *,
    passages: int,
    id_client: str,
    id_contrat: str,
    id_flux: str | None = None,
    seed: int = 1,
) -> int:
    """Writes `passages` passages cycling over `holders` and `fiche_codes`; returns how
    many were written. `out` is a path or a binary file."""
    rng = random.Random(seed)
    holder_iter = _cycle(holders)
    codes = fiche_codes or ["RNCP34829"]
    written = 0
    with etree.xmlfile(out, encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element(f"{{{NS}}}flux", nsmap={"cpf": NS, "xsi": XSI}):
            _e(xf, "idFlux", id_flux or f"GEN-{seed}-{passages}")
            _e(xf, "horodatage", "2026-11-20T09:30:00+01:00")
            with xf.element(f"{{{NS}}}emetteur"):
                _e(xf, "idClient", id_client)
                with xf.element(f"{{{NS}}}certificateurs"), xf.element(f"{{{NS}}}certificateur"):
                    _e(xf, "idClient", id_client)
                    _e(xf, "idContrat", id_contrat)
                    with xf.element(f"{{{NS}}}certifications"):
                        block = 0
                        while written < passages:
                            code = codes[block % len(codes)]
                            count = min(PASSAGES_PER_CERTIFICATION, passages - written)
                            _certification(xf, code, count, written, holder_iter, rng, seed)
                            written += count
                            block += 1
    return written


def _certification(xf, code, count, offset, holders, rng, seed):
    with xf.element(f"{{{NS}}}certification"):
        _e(xf, "type", "RS" if code.startswith("RS") else "RNCP")
        _e(xf, "code", code)
        with xf.element(f"{{{NS}}}passageCertifications"):
            for index in range(offset, offset + count):
                _passage(xf, next(holders), index, rng, seed)


def _passage(xf, holder: GeneratedHolder, index: int, rng: random.Random, seed: int):
    exam = datetime.date(2025, 1, 6) + datetime.timedelta(days=rng.randrange(600))
    valid_from = exam + datetime.timedelta(days=rng.randrange(1, 40))
    with xf.element(f"{{{NS}}}passageCertification"):
        _e(xf, "idTechnique", f"GEN{seed}-{index:07d}")
        _e(xf, "obtentionCertification", "PAR_ADMISSION")
        _e(xf, "donneeCertifiee", "true")
        _e(xf, "dateDebutExamen", exam.isoformat())
        _e(xf, "dateFinExamen", exam.isoformat())
        _e(xf, "dateDebutValidite", valid_from.isoformat())
        if rng.random() < 0.5:
            _e(xf, "dateFinValidite", nil=True)
        else:
            _e(xf, "dateFinValidite", (valid_from + datetime.timedelta(days=1826)).isoformat())
        _e(xf, "presenceNiveauLangueEuro", "false")
        _e(xf, "presenceNiveauNumeriqueEuro", "false")
        _e(xf, "scoring", nil=True)
        _e(xf, "mentionValidee", rng.choice(["SANS_MENTION", "MENTION_BIEN"]))
        with xf.element(f"{{{NS}}}modalitesInscription"):
            _e(xf, "modaliteAcces", "FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION")
        with xf.element(f"{{{NS}}}identificationTitulaire"), xf.element(f"{{{NS}}}titulaire"):
            _e(xf, "nomNaissance", holder.birth_name[:60])
            _e(xf, "nomUsage", nil=True)
            _e(xf, "prenom1", (holder.first_name or "Camille")[:60])
            _e(xf, "anneeNaissance", holder.birth_year)
            _e(xf, "moisNaissance", holder.birth_month, nil=holder.birth_month is None)
            _e(xf, "jourNaissance", holder.birth_day, nil=holder.birth_day is None)
            _e(xf, "sexe", holder.sex)
            with xf.element(f"{{{NS}}}codeCommuneNaissance"):
                if holder.commune_code:
                    with xf.element(f"{{{NS}}}codeInseeNaissance"):
                        _e(xf, "codeInsee", holder.commune_code)
                else:
                    with xf.element(f"{{{NS}}}codePostalNaissance"):
                        _e(xf, "codePostal", nil=True)
            _e(xf, "codePaysNaissance", holder.country_code[2:] if holder.country_code else "100")


def _cycle(items: Iterable) -> Iterator:
    while True:
        empty = True
        for item in items:
            empty = False
            yield item
        if empty:
            yield from _fake_holders()


def _fake_holders() -> Iterator[GeneratedHolder]:
    index = 0
    while True:
        index += 1
        yield GeneratedHolder(
            f"NOM{index}", "Camille", 1960 + index % 45, 1 + index % 12, 15, "F", "75107", "99100"
        )


def database_holders(seed: int = 1):
    """Persons of the database, as a re-iterable of birth identities (read in chunks)."""
    from passeport.people.models import Person

    class _Holders:
        def __iter__(self):
            rows = (
                Person.objects.order_by("pk")
                .values_list(
                    "birth_name",
                    "first_names",
                    "birth_year",
                    "birth_month",
                    "birth_day",
                    "sex",
                    "birth_commune_code",
                    "birth_country_code",
                )
                .iterator(chunk_size=5000)
            )
            for name, first, year, month, day, sex, commune, country in rows:
                yield GeneratedHolder(
                    name, first.split(" ")[0], year, month, day, sex, commune, country
                )

    return _Holders()


def database_fiche_codes(limit: int = 50, seed: int = 1) -> list[str]:
    from passeport.referentials.models import Fiche

    codes = list(Fiche.objects.filter(active=True).order_by("code").values_list("code", flat=True))
    random.Random(seed).shuffle(codes)
    return codes[:limit]
