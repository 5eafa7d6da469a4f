from django.db import models


class Sex(models.TextChoices):
    MALE = "M", "Homme"
    FEMALE = "F", "Femme"


FRANCE_COUNTRY_CODE = "99100"
MINIMUM_AGE = 15
