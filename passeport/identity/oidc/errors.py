"""Every way a login can fail, each with its French message for the person logging in
and a stable code (journaled and logged; never personal data)."""


class IdentityError(Exception):
    code = "identity_error"
    message = (
        "La connexion n'a pas abouti. Réessayez dans quelques instants ; si le problème "
        "persiste, contactez l'assistance."
    )
    status = 400

    def __init__(self, detail: str = "", *, message: str | None = None):
        super().__init__(detail or self.code)
        self.detail = detail  # technical, for the logs: never personal data
        if message:
            self.message = message


class ProviderNotConfigured(IdentityError):
    code = "provider_not_configured"
    message = "Ce mode de connexion n'est pas disponible sur ce service."
    status = 404


class InvalidState(IdentityError):
    code = "invalid_state"
    message = (
        "Cette demande de connexion n'est pas reconnue (lien incomplet, modifié ou ouvert dans "
        "un autre navigateur). Recommencez la connexion depuis ce service."
    )


class ExpiredState(InvalidState):
    code = "expired_state"
    message = (
        "La demande de connexion a expiré : elle doit aboutir en moins de 10 minutes. "
        "Recommencez la connexion."
    )


class ReplayedState(InvalidState):
    code = "replayed_state"
    message = (
        "Cette demande de connexion a déjà été utilisée. Recommencez la connexion depuis ce "
        "service."
    )


class ProviderRefused(IdentityError):
    """The provider sent the user back with an `error` (cancelled, access denied…)."""

    code = "provider_refused"
    message = (
        "La connexion a été interrompue chez le fournisseur d'identité (annulation ou refus). "
        "Vous pouvez recommencer."
    )


class ProviderUnavailable(IdentityError):
    code = "provider_unavailable"
    message = (
        "Le fournisseur d'identité ne répond pas ou rencontre un problème. Réessayez dans "
        "quelques minutes."
    )
    status = 502


class InvalidToken(IdentityError):
    """Bad signature, undecryptable, wrong issuer or audience, expired."""

    code = "invalid_token"
    message = (
        "La réponse du fournisseur d'identité n'a pas pu être vérifiée : par sécurité, la "
        "connexion est refusée. Recommencez la connexion."
    )


class NonceMismatch(InvalidToken):
    code = "nonce_mismatch"


class AcrTooLow(IdentityError):
    code = "acr_too_low"
    message = (
        "Le niveau de garantie de votre identité est insuffisant pour ce service. "
        "Connectez-vous avec un moyen d'identification de niveau plus élevé."
    )
    status = 403


class MissingClaims(IdentityError):
    code = "missing_claims"
    message = (
        "Le fournisseur d'identité n'a pas transmis toutes les informations nécessaires "
        "(identifiant, nom, prénoms, date et lieu de naissance). La connexion est impossible."
    )
