"""The development provider's accounts: FranceConnect's official test identities for
holders, and a few professionals of demo organisations (taken from the database) for
ProConnect. Stable identifiers: the same account gets the same `sub` on every run."""

import hashlib
from dataclasses import dataclass, field

from passeport.demo.franceconnect import read_identities
from passeport.organisations.models import Organisation

# A valid SIRET that the demo never creates: its professional shows the refusal of an
# organisation unknown to the service.
UNKNOWN_SIRET = "13002526500013"
PRO_PEOPLE = (("Camille", "Responsable"), ("Dominique", "Collègue"))


@dataclass(frozen=True)
class DevAccount:
    key: str
    label: str
    claims: dict = field(default_factory=dict)


def _sub(*parts: str) -> str:
    return hashlib.sha256(":".join(("passeport-dev-idp", *parts)).encode()).hexdigest()


def holder_accounts(mode: str) -> list[DevAccount]:
    accounts = []
    for identity in read_identities():
        claims = {
            "sub": _sub(mode, identity.identifier, identity.birthdate),
            "given_name": identity.first_names,
            "family_name": identity.birth_name,
            "preferred_username": identity.usage_name,
            "birthdate": identity.birthdate,
            "gender": identity.gender,
            "birthplace": identity.birthplace,
            "birthcountry": identity.birthcountry,
            "email": identity.email,
        }
        label = (
            f"{identity.birth_name} {identity.first_names} — née le "
            if identity.gender == "female"
            else f"{identity.birth_name} {identity.first_names} — né le "
        ) + f"{identity.birth_date:%d/%m/%Y} ({identity.identifier})"
        key = f"fc:{identity.identifier}:{identity.birthdate}:{identity.birth_name}"
        accounts.append(DevAccount(key=key, label=label, claims=claims))
    return accounts


def demo_organisations() -> list[Organisation]:
    """The first employer, training provider and certifier of the database."""
    found = []
    for flag in ("is_employer", "is_training_provider", "is_certifier"):
        organisation = (
            (Organisation.objects.filter(**{flag: True}).exclude(pk__in=[o.pk for o in found]))
            .order_by("pk")
            .first()
        )
        if organisation:
            found.append(organisation)
    return found


def _pro(siret: str, name: str, index: int, given: str, usual: str) -> DevAccount:
    email = f"{given}.{usual}.{siret}@demo.passeport.example".lower().replace("è", "e")
    return DevAccount(
        key=f"pro:{siret}:{index}",
        label=f"{given} {usual} — {name} ({siret})",
        claims={
            "sub": _sub("proconnect", siret, str(index)),
            "given_name": given,
            "usual_name": usual,
            "email": email,
            "uid": f"demo-{siret}-{index}",
            "siret": siret,
            "idp_id": "passeport-dev-idp",
        },
    )


def professional_accounts() -> list[DevAccount]:
    accounts = [
        _pro(organisation.siret, organisation.name, index, given, usual)
        for organisation in demo_organisations()
        for index, (given, usual) in enumerate(PRO_PEOPLE, start=1)
    ]
    accounts.append(_pro(UNKNOWN_SIRET, "Organisation inconnue du service", 1, "Alix", "Inconnue"))
    return accounts


def accounts_for(mode) -> list[DevAccount]:
    return professional_accounts() if mode.professional else holder_accounts(mode.name)


def find_account(mode, key: str) -> DevAccount | None:
    return next((account for account in accounts_for(mode) if account.key == key), None)
