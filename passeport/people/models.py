import calendar
import datetime
import uuid

from django.db import models
from django.db.models import Q

from passeport.referentials.text import normalize

from .crypto import decrypt_nir, encrypt_nir, nir_lookup_hash
from .enums import FRANCE_COUNTRY_CODE, MINIMUM_AGE, Sex


class PersonQuerySet(models.QuerySet):
    def by_nir(self, nir: str):
        """Persons whose NIR (13 characters, or 15 with key) is `nir`; at most one."""
        return self.filter(nir_hash=nir_lookup_hash(nir.replace(" ", "")[:13]))


class Person(models.Model):
    """A titulaire: someone with a NIR who may hold a passport.

    The NIR is never stored in clear: see `crypto.py`. Use `reveal_nir()` where it is
    truly needed (never in a URL, a log line, a credential or a page).
    """

    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    nir_hash = models.CharField("empreinte du NIR", max_length=64, unique=True, editable=False)
    nir_encrypted = models.TextField("NIR chiffré", editable=False)
    is_temporary_number = models.BooleanField("numéro d'inscription d'attente (NIA)", default=False)

    birth_name = models.CharField("nom de naissance", max_length=80)
    # Without case, accents or punctuation: what identity matching compares.
    birth_name_key = models.CharField("nom de naissance normalisé", max_length=80, editable=False)
    usage_name = models.CharField("nom d'usage", max_length=80, blank=True)
    first_names = models.CharField("prénoms", max_length=150, help_text="Séparés par des espaces")
    sex = models.CharField("sexe", max_length=1, choices=Sex.choices)
    birth_year = models.PositiveSmallIntegerField("année de naissance")
    birth_month = models.PositiveSmallIntegerField("mois de naissance", null=True, blank=True)
    birth_day = models.PositiveSmallIntegerField("jour de naissance", null=True, blank=True)
    # Codes as they were at birth (communes merge, départements split): no foreign key
    # to today's geography.
    birth_commune_code = models.CharField(
        "commune de naissance (code INSEE)", max_length=5, blank=True
    )
    birth_country_code = models.CharField(
        "pays de naissance (code INSEE)", max_length=5, default=FRANCE_COUNTRY_CODE
    )
    email = models.EmailField("adresse électronique", blank=True)
    cpf_activated_at = models.DateTimeField("compte CPF activé le", null=True, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = "titulaire"
        indexes = [
            models.Index(fields=["birth_name_key", "birth_year"], name="person_birth_identity")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_month__isnull=True) | Q(birth_month__gte=1, birth_month__lte=12),
                name="person_birth_month_range",
                violation_error_message="Le mois de naissance est compris entre 1 et 12.",
            ),
            models.CheckConstraint(
                condition=Q(birth_day__isnull=True)
                | Q(birth_day__gte=1, birth_day__lte=31, birth_month__isnull=False),
                name="person_birth_day_range",
                violation_error_message=(
                    "Le jour de naissance est compris entre 1 et 31 et suppose un mois connu."
                ),
            ),
            models.CheckConstraint(
                condition=Q(
                    birth_country_code=FRANCE_COUNTRY_CODE,
                    birth_commune_code__regex=r"^[0-9][0-9AB][0-9]{3}$",
                )
                | (~Q(birth_country_code=FRANCE_COUNTRY_CODE) & Q(birth_commune_code="")),
                name="person_birthplace",
                violation_error_message=(
                    "Une personne née en France a une commune de naissance ; "
                    "une personne née à l'étranger n'en a pas."
                ),
            ),
        ]

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        self.birth_name_key = normalize(self.birth_name)
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return f"{self.first_names.split(' ')[0]} {self.usage_name or self.birth_name}".strip()

    def set_nir(self, nir: str) -> None:
        nir = nir.replace(" ", "").upper()
        self.nir_hash = nir_lookup_hash(nir[:13])
        self.nir_encrypted = encrypt_nir(nir)

    def reveal_nir(self) -> str:
        return decrypt_nir(self.nir_encrypted)

    @property
    def born_abroad(self) -> bool:
        return self.birth_country_code != FRANCE_COUNTRY_CODE

    def latest_possible_birth_date(self) -> datetime.date:
        """The latest date consistent with a birth date whose day or month may be unknown:
        the age rule is applied to it, so that nobody under the age passes by uncertainty."""
        month = self.birth_month or 12
        day = self.birth_day or calendar.monthrange(self.birth_year, month)[1]
        return datetime.date(self.birth_year, month, day)

    def age_on(self, day: datetime.date) -> int:
        born = self.latest_possible_birth_date()
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def is_old_enough(self, day: datetime.date) -> bool:
        return self.age_on(day) >= MINIMUM_AGE

    @property
    def has_active_cpf_account(self) -> bool:
        return self.cpf_activated_at is not None
