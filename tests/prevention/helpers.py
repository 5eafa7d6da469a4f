"""Builders of ADF/JDR lines and files, and members of organisations, for the tests."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from passeport.organisations.enums import MembershipRole
from passeport.organisations.models import Membership
from passeport.prevention.lines import ADF_COLUMNS, JDR_COLUMNS
from tests.factories import UserFactory


def member(organisation, role=MembershipRole.ADMIN):
    user = UserFactory()
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def adf_values(person, employer=None, **overrides) -> dict:
    values = {
        "ID_DECLARATION": "DECL-1",
        "REFERENCE_DECLARATION": "SESSION-SST",
        "ID_UNIQUE_PARTENAIRE": f"DECL-1-{person.pk}",
        "NOM_FORMATION": "Sauveteur secouriste du travail (SST)",
        "DATE_DEBUT_FORMATION": "09/03/2026",
        "DATE_FIN_FORMATION": "10/03/2026",
        "MODALITE_DISPENSE": "PRESENTIEL",
        "COMPETENCE_TRANSFERABLE": "H2909/H2913/I1304",
        "QUALIFICATION_FORMATEUR": "PREVENTEUR",
        "FORMATION_CERTIFIANTE": "NON",
        "CERTIFICATION_VISEE": "",
        "DOMAINE_FORMATION": "42866",
        "SPECIALITE_FORMATION": "344t",
        "NIR": person.reveal_nir()[:13],
        "NOM_TITULAIRE": person.birth_name.upper(),
        "PRESENCE_EMPLOYEUR": "OUI" if employer else "NON",
        "SIRET_EMPLOYEUR": employer.siret if employer else "",
        "REFERENCE_EMPLOYEUR": "BC-117" if employer else "",
        "DATE_DEBUT_VALIDITE": "10/03/2026",
        "DATE_FIN_VALIDITE": "",
    }
    values.update(overrides)
    return values


def jdr_values(person, employer=None, **overrides) -> dict:
    values = adf_values(person, employer)
    values.update(
        {
            "ID_DECLARATION": "JDR-1",
            "ID_UNIQUE_PARTENAIRE": f"JDR-1-{person.pk}",
            "TYPE_JDR": "HABILITATION",
            "NOM_JDR": "Habilitation électrique B1V",
            "NOM_OPTION_SPECIALITE": "",
            "MODE_OBTENTION": "PAR_ADMISSION",
            "PRESENCE_FORMATION": "OUI",
            "NOM_FORMATION": "Préparation habilitation électrique",
            "RESULTAT_OBTENU": "Admis",
            "MENTION_OBTENUE": "",
            "LIEN_PREUVE": "https://preuves.example.fr/jdr/1",
            "IDENTIFIANT_PREUVE": "PV-42",
            "DATE_FIN_VALIDITE": "10/03/2029",
        }
    )
    values.update(overrides)
    return values


def csv_bytes(lines: list[dict], kind="ADF", *, separator="|", encoding="utf-8", bom=False):
    columns = ADF_COLUMNS if kind == "ADF" else JDR_COLUMNS
    rows = [separator.join(columns)]
    rows += [separator.join(values.get(c, "") for c in columns) for values in lines]
    data = ("\r\n".join(rows) + "\r\n").encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(lines: list[dict], kind="ADF", *, dates_as_dates=False) -> bytes:
    import openpyxl

    columns = ADF_COLUMNS if kind == "ADF" else JDR_COLUMNS
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(columns))
    for values in lines:
        row = []
        for column in columns:
            value = values.get(column, "")
            if dates_as_dates and column.startswith("DATE_") and value:
                day, month, year = value.split("/")
                value = datetime.datetime(int(year), int(month), int(day))
            row.append(value)
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(data: bytes, name="declarations.csv"):
    return SimpleUploadedFile(name, data, content_type="text/csv")
