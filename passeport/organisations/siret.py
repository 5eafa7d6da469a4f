"""SIREN (9 digits) and SIRET (14 = SIREN + NIC): validation and demo generation.

Pure Python, no Django. Both carry a Luhn key (INSEE). Exception (docs/domain.md): the
establishments of La Poste (SIREN 356000000) are numbered so that the sum of the SIRET's
digits is a multiple of 5 instead. Its head office 35600000000048 is the exception to the
exception: Luhn-valid, digit sum 26 (python-stdnum treats it the same way). Always
strings: leading zeros matter.
"""

from __future__ import annotations

__all__ = [
    "LA_POSTE_SIREN",
    "SiretError",
    "format_siret",
    "make_siren",
    "make_siret",
    "siren_of",
    "validate_siren",
    "validate_siret",
]

LA_POSTE_SIREN = "356000000"
LA_POSTE_HEAD_OFFICE = "35600000000048"
_SEPARATORS = str.maketrans("", "", " \t\u00a0\u202f")  # the France Compétences export: TAB
_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)  # Luhn: 2·d, minus 9 above 9


class SiretError(ValueError):
    """An invalid SIREN or SIRET; `message` is shown to users, `code` names the rule."""

    def __init__(self, message: str, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


def _luhn_sum(digits: str) -> int:
    """Luhn sum, the rightmost digit counted once (valid when the sum ends in 0)."""
    return sum(int(d) for d in digits[-1::-2]) + sum(_DOUBLED[int(d)] for d in digits[-2::-2])


def _clean(value: object, what: str, length: int) -> str:
    if type(value) is not str:
        raise SiretError(f"Le {what} doit être fourni sous forme de texte.", "type")
    if not value.isdigit():
        value = value.translate(_SEPARATORS)
    if not (value.isascii() and value.isdigit()):
        raise SiretError(f"Le {what} ne doit contenir que des chiffres.", "format")
    if len(value) != length:
        raise SiretError(
            f"Le {what} doit comporter {length} chiffres, {len(value)} reçus.", "length"
        )
    return value


def _siren_error(siren: str) -> SiretError | None:
    if siren == "000000000":
        return SiretError("Le SIREN 000000000 n'est attribué à aucune entreprise.", "zero")
    if _luhn_sum(siren) % 10:
        return SiretError(
            "Le SIREN est invalide : sa clé de contrôle (Luhn) est fausse.", "siren_key"
        )
    return None


def validate_siren(value: str) -> str:
    """The 9-digit SIREN, spaces removed. Raises SiretError."""
    siren = _clean(value, "SIREN", 9)
    error = _siren_error(siren)
    if error is not None:
        raise error
    return siren


def validate_siret(value: str) -> str:
    """The 14-digit SIRET, spaces and tabs removed. Raises SiretError."""
    siret = _clean(value, "SIRET", 14)
    error = _siren_error(siret[:9])
    if error is not None:
        raise error
    if siret[:9] == LA_POSTE_SIREN and siret != LA_POSTE_HEAD_OFFICE:
        if sum(int(d) for d in siret) % 5:
            raise SiretError(
                "SIRET de La Poste invalide : la somme de ses chiffres doit être un multiple de 5.",
                "la_poste_key",
            )
    elif _luhn_sum(siret) % 10:
        raise SiretError(
            f"La clé du SIRET est fausse : le SIREN est valide, mais le NIC {siret[9:]} "
            "ne lui correspond pas.",
            "siret_key",
        )
    return siret


def siren_of(siret: str) -> str:
    """The SIREN of a valid SIRET."""
    return validate_siret(siret)[:9]


def format_siret(value: str) -> str:
    """`356 000 000 00048` for display."""
    siret = validate_siret(value)
    return f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"


def make_siren(base: str) -> str:
    """The valid SIREN made of 8 given digits and their Luhn key (demo data)."""
    base = _clean(base, "début de SIREN", 8)
    key = (10 - _luhn_sum(base + "0") % 10) % 10
    return validate_siren(base + str(key))


def make_siret(siren: str, nic_base: str) -> str:
    """The valid SIRET of establishment `nic_base` (4 digits) of `siren`: the 5th digit
    of the NIC is the key (Luhn, or digit sum for La Poste)."""
    siren = validate_siren(siren)
    body = siren + _clean(nic_base, "début de NIC", 4)
    if siren == LA_POSTE_SIREN:
        key = -sum(int(d) for d in body) % 5
    else:
        key = (10 - _luhn_sum(body + "0") % 10) % 10
    return validate_siret(body + str(key))
