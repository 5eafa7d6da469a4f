"""Finding the holder of an accrochage passage: by NIR + birth name (1.1.5
`identifiantNational`), by birth identity (`titulaire`: candidates by birth name and
year, then the birth date and place decide, and when no one matches, which part
disagrees is said), never by a CPF training file number (no dossier store yet)."""

import dataclasses

from passeport.core.digits import ascii_digits
from passeport.people.enums import FRANCE_COUNTRY_CODE
from passeport.people.matching import (
    BirthIdentity,
    MatchError,
    birth_identity_candidates,
    decide_birth_identity,
    match_many_by_nir,
    name_key,
)

from . import reader
from .checks import Rejection


class Identifier:
    """The look-ups of one chunk of passages (`prepare`), then one `match` per passage."""

    def prepare(self, passages: list[reader.Passage]) -> None:
        """One query (or a few) per chunk: candidates by birth identity, persons by NIR."""
        identifications = [passage.identification for passage in passages]
        holders = [i for i in identifications if isinstance(i, reader.Holder)]
        self.identities = {id(holder): _birth_identity(holder) for holder in holders}
        self.candidates = birth_identity_candidates(self.identities.values())
        nirs = [i for i in identifications if isinstance(i, reader.NationalIdentifier)]
        found = match_many_by_nir([(i.nir, i.birth_name) for i in nirs])
        self.nir_matches = {id(i): result for i, result in zip(nirs, found, strict=True)}

    def match(self, identification):
        """The person a passage names, or a Rejection saying why none."""
        if isinstance(identification, reader.TrainingFile):
            raise Rejection(
                "unknown_training_file",
                "Dossier de formation inconnu : l'identification par numéro de dossier CPF "
                "(idDossier) n'est pas encore possible. Identifiez le titulaire par son "
                "identité de naissance (titulaire) ou son NIR (identifiantNational).",
            )
        try:
            if isinstance(identification, reader.NationalIdentifier):
                result = self.nir_matches[id(identification)]
                if isinstance(result, MatchError):
                    raise result
                return result
            return self._holder(identification)
        except MatchError as error:
            raise Rejection(error.code, error.message) from None

    def _holder(self, holder: reader.Holder):
        identity = self.identities[id(holder)]
        pool = self.candidates.get((name_key(identity.birth_name), identity.birth_year), [])
        try:
            person = decide_birth_identity(identity, pool)
        except MatchError as error:
            if error.code == "no_match":
                _diagnose(identity, pool)
            raise
        if holder.postcode and not _postcode_agrees(holder.postcode, person.birth_commune_code):
            raise Rejection("birthplace_mismatch", BIRTHPLACE_MISMATCH)
        return person


BIRTHPLACE_MISMATCH = (
    "Le lieu de naissance ne correspond pas à celui du titulaire (commune ou code postal de "
    "naissance)."
)


def _birth_identity(holder: reader.Holder) -> BirthIdentity:
    country = FRANCE_COUNTRY_CODE
    if holder.country_code and holder.country_code != "100":
        country = "99" + holder.country_code  # the file gives the INSEE code without "99"
    commune = holder.commune_code
    if commune.startswith("99"):  # a country code given as birth "commune"
        country, commune = commune, ""
    if country != FRANCE_COUNTRY_CODE:
        commune = ""
    return BirthIdentity(
        birth_name=holder.birth_name,
        first_names=" ".join(holder.first_names),
        birth_year=holder.birth_year,
        birth_month=holder.birth_month,
        birth_day=holder.birth_day,
        sex=holder.sex or None,
        birth_commune_code=commune,
        birth_country_code=country,
    )


def _diagnose(identity: BirthIdentity, candidates: list) -> None:
    """No one matched: says which part disagrees when relaxing it finds exactly one
    person (the usual rejections are a birthplace or a birth date mismatch)."""
    attempts = []
    if identity.birth_commune_code:
        attempts.append(("birthplace_mismatch", BIRTHPLACE_MISMATCH, {"birth_commune_code": ""}))
    if identity.birth_month or identity.birth_day:
        attempts.append(
            (
                "birth_date_mismatch",
                "La date de naissance (mois ou jour) ne correspond pas à celle du titulaire.",
                {"birth_month": None, "birth_day": None},
            )
        )
    for code, message, relaxed in attempts:
        try:
            decide_birth_identity(dataclasses.replace(identity, **relaxed), candidates)
        except MatchError:
            continue
        raise Rejection(code, message)


def _postcode_agrees(postcode: str, commune_code: str) -> bool:
    """A postal code only tells the département (first 2 digits, 3 overseas)."""
    postcode = postcode.strip()
    if not commune_code or not ascii_digits(postcode[:2]):
        return True  # nothing to compare on one side
    if postcode.startswith("97"):
        return commune_code[:3] == postcode[:3]
    if postcode.startswith("20"):
        return commune_code[:2] in ("20", "2A", "2B")
    return commune_code[:2] == postcode[:2]
