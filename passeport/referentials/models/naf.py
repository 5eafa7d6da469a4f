"""NAF rév. 2 sous-classes (INSEE). Stored as INSEE writes them ("62.01Z"); the DSN and
SIRENE APIs write them without the dot ("6201Z"): both forms are accepted on lookup."""

import re

from django.db import models

_NAF_CODE = re.compile(r"^(\d{2})\.?(\d{2})([A-Z])$")


def naf_code_with_dot(value):
    """ "6201z", "62.01Z", " 62 01 Z " → "62.01Z"; anything else → None."""
    compact = "".join((value or "").split()).upper()
    match = _NAF_CODE.match(compact)
    if not match:
        return None
    return f"{match[1]}.{match[2]}{match[3]}"


class NafCodeQuerySet(models.QuerySet):
    def get_by_code(self, value):
        """The NafCode for "62.01Z" or "6201Z" (any case), or None."""
        code = naf_code_with_dot(value)
        if code is None:
            return None
        return self.filter(code=code).first()


class NafCode(models.Model):
    code = models.CharField("code", max_length=6, unique=True)
    label = models.TextField("libellé")
    section = models.CharField("section", max_length=1, db_index=True)
    search_text = models.TextField("texte de recherche", editable=False)

    objects = NafCodeQuerySet.as_manager()

    class Meta:
        verbose_name = "code NAF"
        verbose_name_plural = "codes NAF"
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} – {self.label}"

    @property
    def dsn_code(self):
        """The code as the DSN writes it (S21.G00.06.003): "6201Z"."""
        return self.code.replace(".", "")
