"""Who did something, as the journal records it."""

from dataclasses import dataclass

from django.db import models


class ActorKind(models.TextChoices):
    SYSTEM = "system", "Système"
    HOLDER = "holder", "Titulaire"
    PROFESSIONAL = "professional", "Professionnel"
    ORGANISATION = "organisation", "Organisation (logiciel déclarant)"
    OPERATOR = "operator", "Opérateur"
    ANONYMOUS = "anonymous", "Visiteur"


@dataclass(frozen=True)
class Actor:
    kind: str
    identifier: str
    label: str

    @classmethod
    def system(cls, name: str) -> "Actor":
        return cls(ActorKind.SYSTEM, name, name)

    @classmethod
    def for_user(cls, user) -> "Actor":
        return cls(user.kind, str(user.public_id), user.get_full_name() or user.username)

    @classmethod
    def for_organisation(cls, organisation) -> "Actor":
        return cls(ActorKind.ORGANISATION, organisation.siret, organisation.name)
