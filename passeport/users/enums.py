from django.db import models


class UserKind(models.TextChoices):
    HOLDER = "holder", "Titulaire"
    PROFESSIONAL = "professional", "Professionnel"
    OPERATOR = "operator", "Opérateur"


class IdentityProvider(models.TextChoices):
    FRANCECONNECT = "franceconnect", "FranceConnect"
    FRANCECONNECT_PLUS = "franceconnect_plus", "FranceConnect+"
    PROCONNECT = "proconnect", "ProConnect"
    DJANGO = "django", "Identifiant et mot de passe (opérateurs)"


# Which kind of user may log in through which provider is data, not scattered ifs.
PROVIDERS_BY_KIND = {
    UserKind.HOLDER: {IdentityProvider.FRANCECONNECT, IdentityProvider.FRANCECONNECT_PLUS},
    UserKind.PROFESSIONAL: {IdentityProvider.PROCONNECT},
    UserKind.OPERATOR: {IdentityProvider.DJANGO},
}
