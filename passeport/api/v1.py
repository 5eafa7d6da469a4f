"""Version 1 of the declarants' API: endpoints common to every organisation."""

from ninja import Router, Schema

from .auth import ClientCredentialsAuth

router = Router(tags=["Organisation"])


class OrganisationOut(Schema):
    siret: str
    name: str
    kinds: list[str]
    scopes: list[str]


@router.get(
    "/organisation",
    response=OrganisationOut,
    auth=ClientCredentialsAuth(),
    summary="L'organisation du logiciel appelant",
)
def organisation(request):
    organisation = request.auth.client.organisation
    return {
        "siret": organisation.siret,
        "name": organisation.name,
        "kinds": organisation.kinds,
        "scopes": request.auth.scopes,
    }
