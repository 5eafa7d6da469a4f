"""Bearer authentication of declarants' software, for django-ninja endpoints:

@router.post("/declarations", auth=ClientCredentialsAuth(["prevention:declare"]))
def declare(request, …):
    request.auth.client.organisation  # the calling organisation
"""

from ninja.errors import HttpError
from ninja.security import HttpBearer

from .services import authenticate_token


class ClientCredentialsAuth(HttpBearer):
    def __init__(self, scopes: list[str] | None = None):
        super().__init__()
        self.scopes = set(scopes or [])

    def authenticate(self, request, token):
        access = authenticate_token(token)
        if access is None:
            return None  # 401: missing, unknown, expired or revoked
        missing = self.scopes - set(access.scopes)
        if missing:
            raise HttpError(
                403, "Ce jeton n'a pas les droits nécessaires : " + ", ".join(sorted(missing))
            )
        return access
