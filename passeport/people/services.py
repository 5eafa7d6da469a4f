"""Creating persons and activating their CPF account, always journaled."""

import datetime

from django.db import transaction
from django.utils import timezone

from passeport.journal import services as journal
from passeport.journal.actors import Actor
from passeport.referentials.text import normalize

from .enums import FRANCE_COUNTRY_CODE, MINIMUM_AGE
from .models import Person
from .nir import validate_nir


class PersonError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def build_person(
    *,
    nir: str,
    birth_name: str,
    first_names: str,
    sex: str,
    birth_year: int,
    birth_month: int | None = None,
    birth_day: int | None = None,
    birth_commune_code: str = "",
    birth_country_code: str = FRANCE_COUNTRY_CODE,
    usage_name: str = "",
    email: str = "",
    is_temporary_number: bool = False,
) -> Person:
    """An unsaved Person whose NIR has been checked against its birth data."""
    validate_nir(
        nir,
        birth_year=birth_year,
        birth_month=birth_month,
        sex=sex,
        birth_commune=birth_commune_code or None,
        birth_country=birth_country_code,
    )
    person = Person(
        birth_name=birth_name.strip().upper(),
        usage_name=usage_name.strip().upper(),
        first_names=" ".join(first_names.split()),
        sex=sex,
        birth_year=birth_year,
        birth_month=birth_month,
        birth_day=birth_day,
        birth_commune_code=birth_commune_code if birth_country_code == FRANCE_COUNTRY_CODE else "",
        birth_country_code=birth_country_code,
        email=email,
        is_temporary_number=is_temporary_number,
    )
    person.birth_name_key = normalize(person.birth_name)
    person.set_nir(nir)
    return person


@transaction.atomic
def create_person(*, actor: Actor, **identity) -> Person:
    person = build_person(**identity)
    if Person.objects.filter(nir_hash=person.nir_hash).exists():
        raise PersonError("Une personne avec ce NIR existe déjà.")
    person.full_clean(exclude=["nir_hash", "nir_encrypted"])
    person.save()
    journal.log_person_created(person, actor)
    return person


@transaction.atomic
def activate_cpf_account(
    person: Person, *, actor: Actor, when: datetime.datetime | None = None
) -> Person:
    # The rights ledger lives in passeport.cpf, which builds on people (imported here only).
    from passeport.cpf.ledger import open_account

    when = when or timezone.now()
    if person.cpf_activated_at is not None:
        open_account(person, actor=actor, when=when)  # rights may already be credited
        return person
    if not person.is_old_enough(timezone.localdate(when)):
        raise PersonError(
            f"Le passeport est ouvert à partir de {MINIMUM_AGE} ans : "
            "ce compte ne peut pas encore être activé."
        )
    person.cpf_activated_at = when
    person.save(update_fields=["cpf_activated_at"])
    journal.log_cpf_account_activated(person, actor)
    open_account(person, actor=actor, when=when)
    return person
