"""The development provider's accounts: FranceConnect's official test identities for
holders, and a few professionals of demo organisations (taken from the database) for
ProConnect. Stable identifiers: the same account gets the same `sub` on every run."""

import hashlib
from dataclasses import dataclass, field

from passeport.demo.franceconnect import read_error_rows, read_identities
from passeport.organisations.models import Organisation

# A valid SIRET that the demo never creates: its professional shows the refusal of an
# organisation unknown to the service.
UNKNOWN_SIRET = "13002526500013"
PRO_PEOPLE = (("Camille", "Responsable"), ("Dominique", "Collègue"))


# FranceConnect's error identities (error-mock-identities.csv): the failure each
# `identifiant` triggers, as france-connect/fi-mock implements it (@ 23e23241,
# src/overrides/userinfo.js and redirect.js). There the mock identity provider fails when
# FranceConnect calls its userinfo; here the development provider plays FranceConnect and
# its identity provider at once, so the same failure reaches the relying party at the code
# exchange, through the scenarios of server.SCENARIOS.
ERROR_IDENTITY_SCENARIOS = {
    "E020005": "missing_sub",
    "E020007": "html",
    "E020008": "http_401",
    "E020009": "http_500",
    "E020010": "http_502",
    "E020011": "http_503",
    "E020018": "slow",  # 25 seconds in fi-mock (DEV_IDP_SLOW_SECONDS here)
    "E020021": "no_code",  # fi-mock redirects with code=null
    "E020022": "wrong_state",  # fi-mock redirects with state=random_state
}
# E0100xx are failures of FranceConnect's own check of the identity against the national
# directory (RNIPP): france-connect/sources' end-to-end tests expect error Y0100xx on
# FranceConnect's page for E0100xx, and the person never comes back to the service. The
# other identities of the file (E020001-4, E020006, E020012-17…, E000001, test_*) have no
# override in fi-mock: they log in normally, with the claims the file gives them (E020002
# has no gender nor birth date, E020003 and test_INVALID_COG an invalid birthplace, E020004
# no e-mail), and fail, or not, on those claims alone.
RNIPP_ERROR_PREFIX = "E0100"


@dataclass(frozen=True)
class DevAccount:
    key: str
    label: str
    claims: dict = field(default_factory=dict)
    scenario: str = ""  # a failure the account always triggers (error identities)


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


def error_scenario(identifier: str) -> str:
    if identifier.startswith(RNIPP_ERROR_PREFIX):
        return "provider_error_page"
    return ERROR_IDENTITY_SCENARIOS.get(identifier, "")


def error_accounts(mode: str) -> list[DevAccount]:
    """FranceConnect's error identities, each with the failure it triggers."""
    from .server import SCENARIOS

    accounts = []
    for row in read_error_rows():
        identifier = row["identifiant"]
        claims = {
            "sub": _sub(mode, "error", identifier),
            "given_name": row["prenoms"],
            "family_name": row["nomDeNaissance"],
            "preferred_username": row["nomDUsage"],
            "birthdate": row["dateDeNaissance"],
            "gender": row["genre"],
            "birthplace": row["codePostalLieuDeNaissance"],
            "birthcountry": row["codePaysDeNaissance"],
            "email": row["email"],
        }
        scenario = error_scenario(identifier)
        accounts.append(
            DevAccount(
                key=f"fc-error:{identifier}",
                label=f"{identifier} — "
                + (SCENARIOS[scenario] if scenario else "données du fichier, sans défaillance"),
                claims={name: value for name, value in claims.items() if value},
                scenario=scenario,
            )
        )
    return accounts


def demo_organisations() -> list[Organisation]:
    """The first employer, training provider, certifier, civic-engagement body, public
    employer, counselling organisation and funder of the database."""
    found = []
    flags = ("is_employer", "is_training_provider", "is_certifier", "is_civic_body")
    for flag in (*flags, "is_public_employer", "is_counselling", "is_funder"):
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


def account_groups(mode) -> list[tuple[str, list[DevAccount]]]:
    if mode.professional:
        return [("Professionnels d'organisations de démonstration", professional_accounts())]
    return [
        ("Identités de test de FranceConnect", holder_accounts(mode.name)),
        ("Identités d'erreur de FranceConnect (défaillances)", error_accounts(mode.name)),
    ]


def accounts_for(mode) -> list[DevAccount]:
    return [account for _label, accounts in account_groups(mode) for account in accounts]


def find_account(mode, key: str) -> DevAccount | None:
    return next((account for account in accounts_for(mode) if account.key == key), None)
