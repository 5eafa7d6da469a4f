"""`GET /api/v1/orientation/gap?target=<code OGR of a ROME appellation>`: the gap between
the logged-in holder's passport and a job, for the holder's own session (the site's
session cookie; no bearer token, no access to anyone else's data)."""

from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.security import SessionAuth

from . import gap as gaps
from . import profile as profiles

router = Router(tags=["Orientation (titulaire)"])


class HolderSession(SessionAuth):
    """The holder's own session: professionals and operators are refused (403)."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None:
            # Said here rather than by the API's bearer-token message.
            raise HttpError(
                401, "Connectez-vous à votre espace titulaire : cette API lit votre session."
            )
        if user.kind != "holder" or user.person_id is None:
            raise HttpError(403, "Réservé aux titulaires, pour leur propre passeport.")
        return user


class SourceOut(Schema):
    source: str = Field(description="certification, training, job, prevention, declared")
    guaranteed: bool = Field(description="vrai si une source officielle le prouve")
    title: str = Field(description="l'entrée du passeport")
    reason: str = Field(description="pourquoi cette entrée donne cette compétence")
    entry_id: str = Field(description="identifiant public de l'entrée")


class ItemOut(Schema):
    ogr: str = Field(description="code OGR ROME de la compétence ou du savoir")
    label: str
    kind: str = Field(description="savoir_faire, savoir_etre ou savoir")
    macro_competence: str
    centrality: str = Field(description="core (cœur de métier), emerging ou other")
    guaranteed: bool
    sources: list[SourceOut]


class CoverageOut(Schema):
    percent: int = Field(description="part pondérée couverte, cœur de métier compté double")
    guaranteed_percent: int = Field(description="la même, par les seules données garanties")
    covered: int
    total: int
    core_covered: int
    core_total: int
    explanation: str


class TargetOut(Schema):
    appellation: str
    label: str
    rome_code: str
    rome_label: str


class GapOut(Schema):
    target: TargetOut
    coverage: CoverageOut
    covered: list[ItemOut]
    missing: list[ItemOut]


def _item(item) -> dict:
    return {
        "ogr": item.ogr,
        "label": item.label,
        "kind": item.kind,
        "macro_competence": item.label if item.is_macro else item.macro_label,
        "centrality": item.centrality,
        "guaranteed": item.guaranteed,
        "sources": [
            {
                "source": evidence.source,
                "guaranteed": evidence.guaranteed,
                "title": evidence.title,
                "reason": evidence.reason,
                "entry_id": evidence.public_id,
            }
            for evidence in item.evidences
        ],
    }


@router.get(
    "/gap",
    response=GapOut,
    auth=HolderSession(),
    summary="Écart entre mon passeport et un métier",
    description=(
        "Compétences et savoirs du métier (ROME 4.0) couverts par le passeport du titulaire "
        "connecté, avec la source de chacun, et ceux qui manquent (cœur de métier "
        "d'abord). `target` : code OGR d'une appellation du ROME (par exemple 12029). "
        "Réservé à la session du titulaire sur le site."
    ),
)
def gap(request, target: str):
    try:
        found = gaps.resolve(appellation=target)
    except gaps.TargetNotFound as error:
        raise HttpError(404, "Aucune appellation du ROME n'a ce code.") from error
    result = gaps.compute(profiles.build(request.auth.person, sync=False), found)
    coverage = result.coverage
    ordered = sorted(result.items, key=lambda item: item.order)
    return {
        "target": {
            "appellation": found.appellation_ogr,
            "label": found.label,
            "rome_code": found.code,
            "rome_label": found.rome_label,
        },
        "coverage": {
            "percent": coverage.percent,
            "guaranteed_percent": coverage.guaranteed_percent,
            "covered": coverage.covered,
            "total": coverage.total,
            "core_covered": coverage.core_covered,
            "core_total": coverage.core_total,
            "explanation": coverage.explanation,
        },
        "covered": [_item(item) for item in ordered if item.covered],
        "missing": [_item(item) for item in ordered if not item.covered],
    }
