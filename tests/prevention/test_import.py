"""File import: good and bad files, idempotence, corrected file round trip, reports."""

import datetime
import io
import json

import pytest

from passeport.journal.models import JournalEntry
from passeport.prevention import import_reports, importer
from passeport.prevention.enums import ImportStatus, ReviewStatus
from passeport.prevention.lines import COLUMNS
from passeport.prevention.models import Declaration, DeclarationLine, ImportRejection
from passeport.records.enums import Assurance, SourceKind
from passeport.records.models import PreventionTraining

from .helpers import adf_values, csv_bytes, jdr_values, xlsx_bytes

pytestmark = pytest.mark.django_db


def run(data: bytes, provider, *, kind="ADF", name="declarations.csv", role="provider"):
    imported = importer.receive_import(
        io.BytesIO(data), kind=kind, declarant=provider, role=role, file_name=name
    )
    return importer.process_import(imported, batch_size=2)


def rejections(imported):
    return list(
        ImportRejection.objects.filter(source_import=imported)
        .order_by("line", "pk")
        .values_list("line", "column")
    )


def test_good_adf_file_declares_every_line(referentials, provider, employer, persons):
    lines = [adf_values(p, employer if i == 0 else None) for i, p in enumerate(persons)]
    imported = run(csv_bytes(lines, bom=True), provider)

    assert imported.status == ImportStatus.DONE
    assert (imported.total_count, imported.accepted_count, imported.rejected_count) == (3, 3, 0)
    declaration = Declaration.objects.get()
    assert declaration.declaration_id == "DECL-1"
    assert declaration.transferable_skills == ["H2909", "H2913", "I1304"]
    assert declaration.deadline_from == datetime.date(2026, 3, 10)
    # Provider: 3 months after the quarter (31 March); that quarter ended after mass
    # import opened, so no extension.
    assert declaration.declare_before == datetime.date(2026, 6, 30)
    line = DeclarationLine.objects.get(person=persons[0])
    assert line.employer == employer and line.review_status == ReviewStatus.PENDING
    assert line.review_deadline == datetime.date(2026, 9, 30)
    assert DeclarationLine.objects.get(person=persons[1]).review_status == "not_applicable"

    record = PreventionTraining.objects.get(lineage=line.lineage)
    assert record.person == persons[0]
    assert record.source_kind == SourceKind.TRAINING_PROVIDER
    assert record.assurance == Assurance.GUARANTEED
    assert record.declarant == provider
    assert record.source_reference == "fichier declarations.csv, ligne 2"
    assert record.partner_unique_id == lines[0]["ID_UNIQUE_PARTENAIRE"]
    # No DATE_FIN_VALIDITE: the catalogue's renewal period for SST gives it.
    assert record.training_kind == "SST"
    assert record.valid_until is not None and record.valid_until > record.valid_from
    assert JournalEntry.objects.filter(
        action="record.stored", object_id=str(record.public_id)
    ).exists()


def test_reimporting_the_same_file_changes_nothing_and_says_so(referentials, provider, persons):
    data = csv_bytes([adf_values(p) for p in persons])
    run(data, provider)
    records_before = PreventionTraining.objects.count()

    again = run(data, provider)

    assert again.status == ImportStatus.DONE
    assert (again.accepted_count, again.duplicate_count, again.rejected_count) == (0, 3, 0)
    assert PreventionTraining.objects.count() == records_before
    assert "déjà été importé" in importer.summary(again)


def test_known_partner_id_with_other_content_is_a_double_declaration(
    referentials, provider, persons
):
    run(csv_bytes([adf_values(persons[0])]), provider)
    changed = adf_values(persons[0], DATE_FIN_VALIDITE="10/03/2030")

    imported = run(csv_bytes([changed]), provider)

    assert imported.rejected_count == 1
    reason = ImportRejection.objects.get(source_import=imported)
    assert reason.column == "ID_UNIQUE_PARTENAIRE"
    assert "Double déclaration" in reason.reason


def test_duplicate_partner_id_inside_the_file(referentials, provider, persons):
    first = adf_values(persons[0])
    second = adf_values(persons[1], ID_UNIQUE_PARTENAIRE=first["ID_UNIQUE_PARTENAIRE"])
    third = adf_values(persons[2], ID_UNIQUE_PARTENAIRE=first["ID_UNIQUE_PARTENAIRE"])

    # batch_size=2: the third line is in another batch than the first.
    imported = run(csv_bytes([first, second, third]), provider)

    assert imported.accepted_count == 1
    assert rejections(imported) == [(3, "ID_UNIQUE_PARTENAIRE"), (4, "ID_UNIQUE_PARTENAIRE")]
    assert all("Double déclaration" in r.reason for r in ImportRejection.objects.filter(line=4))


@pytest.mark.parametrize(
    "overrides, column, words",
    [
        ({"NIR": "288046912345"}, "NIR", "13 caractères"),
        ({"NIR": "WRONG_KEY"}, "NIR", "clé"),
        ({"NIR": "288136912345"[:12] + "6"}, "NIR", "mois"),
        ({"NOM_TITULAIRE": "DURAND"}, "NOM_TITULAIRE", "nom de naissance"),
        ({"DATE_DEBUT_VALIDITE": "01/03/2026"}, "DATE_DEBUT_VALIDITE", "avant la fin"),
        ({"DATE_FIN_FORMATION": "08/03/2026"}, "DATE_FIN_FORMATION", "précède"),
        ({"DATE_DEBUT_FORMATION": "2026-03-09"}, "DATE_DEBUT_FORMATION", "jj/mm/aaaa"),
        ({"DATE_FIN_VALIDITE": "09/03/2026"}, "DATE_FIN_VALIDITE", "précède"),
        ({"COMPETENCE_TRANSFERABLE": "H2909/H2913"}, "COMPETENCE_TRANSFERABLE", "de 3 à 10"),
        ({"COMPETENCE_TRANSFERABLE": "H2909/H2913/K9999"}, "COMPETENCE_TRANSFERABLE", "inconnu"),
        ({"MODALITE_DISPENSE": "EN_LIGNE"}, "MODALITE_DISPENSE", "inconnue"),
        ({"QUALIFICATION_FORMATEUR": "CHEF"}, "QUALIFICATION_FORMATEUR", "inconnue"),
        ({"FORMATION_CERTIFIANTE": "PEUT-ETRE"}, "FORMATION_CERTIFIANTE", "OUI ou NON"),
        ({"FORMATION_CERTIFIANTE": "OUI"}, "CERTIFICATION_VISEE", "obligatoire"),
        (
            {"FORMATION_CERTIFIANTE": "OUI", "CERTIFICATION_VISEE": "RS1000"},
            "CERTIFICATION_VISEE",
            "plus active",
        ),
        (
            {"FORMATION_CERTIFIANTE": "OUI", "CERTIFICATION_VISEE": "RS9999"},
            "CERTIFICATION_VISEE",
            "inconnue",
        ),
        ({"DOMAINE_FORMATION": "4286"}, "DOMAINE_FORMATION", "Formacode"),
        ({"SPECIALITE_FORMATION": ""}, "SPECIALITE_FORMATION", "de 1 à 3"),
        ({"SPECIALITE_FORMATION": "9999"}, "SPECIALITE_FORMATION", "NSF"),
        ({"PRESENCE_EMPLOYEUR": "OUI"}, "SIRET_EMPLOYEUR", "obligatoire"),
        (
            {"PRESENCE_EMPLOYEUR": "OUI", "SIRET_EMPLOYEUR": "12345678901234"},
            "SIRET_EMPLOYEUR",
            "clé",
        ),
        (
            {"PRESENCE_EMPLOYEUR": "OUI", "SIRET_EMPLOYEUR": "35600000000048"},
            "SIRET_EMPLOYEUR",
            "aucune organisation",
        ),
        ({"REFERENCE_EMPLOYEUR": "BC-1"}, "REFERENCE_EMPLOYEUR", "vide"),
        ({"ID_DECLARATION": ""}, "ID_DECLARATION", "obligatoire"),
    ],
)
def test_bad_line_is_rejected_with_line_column_and_reason(
    referentials, provider, persons, overrides, column, words
):
    good = adf_values(persons[0])
    if overrides.get("NIR") == "WRONG_KEY":
        # 15 characters whose key is wrong.
        nir = persons[1].reveal_nir()
        overrides = {"NIR": nir[:13] + f"{(int(nir[13:]) + 1) % 97 or 1:02d}"}
    bad = adf_values(persons[1], **overrides)

    imported = run(csv_bytes([good, bad]), provider)

    assert imported.status == ImportStatus.DONE
    assert imported.accepted_count == 1, "the good line is kept"
    reasons = list(ImportRejection.objects.filter(source_import=imported))
    assert {(r.line, r.column) for r in reasons} >= {(3, column)}
    assert any(words in r.reason for r in reasons if r.column == column), reasons
    # The NIR never appears in a reason.
    assert not any(persons[1].reveal_nir()[:13] in r.reason for r in reasons)


@pytest.mark.parametrize(
    "data, words",
    [
        (b"", "vide"),
        (b"ID_DECLARATION;REFERENCE_DECLARATION;NIR\r\n", "point-virgule"),
        (b"ID_DECLARATION|NIR|NOM\r\nA|B|C\r\n", "colonnes manquantes"),
        ("|".join(["X"] * 20).encode() + b"\r\n", "En-tête incorrect"),
    ],
)
def test_global_errors_reject_the_file_with_one_message(referentials, provider, data, words):
    imported = run(data, provider)

    assert imported.status == ImportStatus.REJECTED
    assert words in imported.error_message
    assert not DeclarationLine.objects.exists()


def test_wrong_encoding_rejects_the_file_before_any_line(referentials, provider, persons):
    lines = [adf_values(p) for p in persons]
    lines[-1]["NOM_FORMATION"] = "Sécurité incendie"
    data = csv_bytes(lines, encoding="latin-1")

    imported = run(data, provider)

    assert imported.status == ImportStatus.REJECTED
    assert "UTF-8" in imported.error_message
    assert not DeclarationLine.objects.exists(), "nothing is declared from a rejected file"


def test_wrong_separator(referentials, provider, persons):
    imported = run(csv_bytes([adf_values(persons[0])], separator=";"), provider)
    assert imported.status == ImportStatus.REJECTED
    assert "séparateur" in imported.error_message


def test_jdr_file_given_as_adf_is_named(referentials, provider, persons):
    imported = run(csv_bytes([jdr_values(persons[0])], kind="JDR"), provider, kind="ADF")
    assert imported.status == ImportStatus.REJECTED
    assert "modèle JDR" in imported.error_message


def test_header_only(referentials, provider):
    imported = run(csv_bytes([]), provider)
    assert imported.status == ImportStatus.REJECTED
    assert "aucune ligne" in imported.error_message


def test_too_big_file_is_neither_kept_nor_read(referentials, provider, persons, settings):
    settings.PREVENTION_IMPORT_MAX_BYTES = 100
    imported = run(csv_bytes([adf_values(persons[0])]), provider)
    assert imported.status == ImportStatus.REJECTED
    assert "au-delà de la limite" in imported.error_message
    assert not imported.source


def test_jdr_file(referentials, provider, employer, persons):
    lines = [jdr_values(persons[0], employer), jdr_values(persons[1])]
    lines[1]["LIEN_PREUVE"] = "pas une adresse"

    imported = run(csv_bytes(lines, kind="JDR"), provider, kind="JDR")

    assert imported.accepted_count == 1
    assert rejections(imported) == [(3, "LIEN_PREUVE")]
    declaration = Declaration.objects.get()
    assert (declaration.kind, declaration.jdr_type, declaration.award_mode) == (
        "JDR",
        "HABILITATION",
        "PAR_ADMISSION",
    )
    # JDR: the deadline counts from the validity start.
    assert declaration.deadline_from == datetime.date(2026, 3, 10)
    record = PreventionTraining.objects.get()
    assert record.title == "Habilitation électrique B1V"
    assert record.valid_until == datetime.date(2029, 3, 10), "the declared date wins"
    assert (record.result, record.proof_url) == ("Admis", "https://preuves.example.fr/jdr/1")


def test_xlsx_file_with_real_dates_and_numbers(referentials, provider, employer, persons):
    lines = [adf_values(p) for p in persons]
    lines[0] = adf_values(persons[0], employer)
    data = xlsx_bytes(lines, dates_as_dates=True)

    imported = run(data, provider, name="declarations.xlsx")

    assert imported.file_format == "xlsx"
    assert imported.status == ImportStatus.DONE, imported.error_message
    assert imported.accepted_count == 3


def test_lines_of_one_declaration_describe_one_training(referentials, provider, persons):
    first = adf_values(persons[0])
    other = adf_values(persons[1], NOM_FORMATION="Travail en hauteur")

    imported = run(csv_bytes([first, other]), provider)

    assert imported.accepted_count == 1
    assert rejections(imported) == [(3, "ID_DECLARATION")]


def test_corrected_file_round_trip(referentials, provider, persons):
    good = adf_values(persons[0])
    bad_date = adf_values(persons[1], DATE_DEBUT_VALIDITE="01/03/2026")
    bad_name = adf_values(persons[2], NOM_TITULAIRE="DURAND")
    imported = run(csv_bytes([good, bad_date, bad_name]), provider)
    assert imported.rejected_count == 2

    corrected = io.StringIO()
    assert import_reports.write_corrected_file(imported, corrected) == 2
    text = corrected.getvalue()
    assert text.splitlines()[0] == "|".join(COLUMNS["ADF"])
    assert "01/03/2026" in text and "DURAND" in text
    assert good["ID_UNIQUE_PARTENAIRE"] not in text

    fixed = (
        text.replace("|01/03/2026|", "|10/03/2026|")
        .replace("DURAND", persons[2].birth_name)
        .encode()
    )
    again = run(fixed, provider, name="corrige.csv")
    assert (again.accepted_count, again.rejected_count) == (2, 0)
    assert DeclarationLine.objects.count() == 3


def test_reports(referentials, provider, persons):
    imported = run(
        csv_bytes([adf_values(persons[0]), adf_values(persons[1], NOM_TITULAIRE="X")]),
        provider,
    )
    out = io.StringIO()
    import_reports.write_report_csv(imported, out)
    rows = out.getvalue().lstrip("\ufeff").splitlines()
    assert rows[0] == "ligne;colonne;motif;ID_UNIQUE_PARTENAIRE"
    assert rows[1].startswith("3;NOM_TITULAIRE;")

    out = io.StringIO()
    import_reports.write_report_json(imported, out)
    report = json.loads(out.getvalue())
    assert report["acceptees"] == 1 and report["rejetees"] == 1
    assert report["rejets"][0]["colonne"] == "NOM_TITULAIRE"


def test_templates_are_valid_layouts(referentials, provider):
    for kind in ("ADF", "JDR"):
        out = io.StringIO()
        import_reports.write_template_csv(kind, out)
        header, example = out.getvalue().splitlines()
        assert header.split("|") == list(COLUMNS[kind])
        assert len(example.split("|")) == len(COLUMNS[kind])
        import openpyxl

        sheet = openpyxl.load_workbook(io.BytesIO(import_reports.template_xlsx(kind))).active
        assert [c.value for c in sheet[1]] == list(COLUMNS[kind])


def test_an_organisation_that_is_neither_provider_nor_employer_cannot_import(db, persons):
    from passeport.prevention.services import DeclarationRefused
    from tests.factories import OrganisationFactory

    certifier = OrganisationFactory(certifier=True)
    with pytest.raises(DeclarationRefused):
        importer.receive_import(io.BytesIO(b"x"), kind="ADF", declarant=certifier, role="provider")


def test_tiny_lookup_caches_change_no_outcome(
    monkeypatch, referentials, provider, employer, persons
):
    """The look-up caches forget (memory stays flat on long files): with room for one
    entry each, a batch alternating trainings and employers, one of them unknown, gets
    the outcome it gets with large caches."""
    from passeport.prevention import lookups, services, training_rules
    from tests.factories import OrganisationFactory

    other = OrganisationFactory(name="Autre employeur")
    monkeypatch.setattr(lookups, "CACHE_SIZE", 1)
    monkeypatch.setattr(training_rules, "TRAINING_CACHE_SIZE", 1)
    monkeypatch.setattr(services, "TRAINING_CACHE_SIZE", 1)
    trainings = {"DECL-1": "Sauveteur secouriste du travail", "DECL-2": "Travail en hauteur"}
    employers = [employer, other, employer, employer, other, None]
    lines = []
    for person in persons:
        for declaration, title in trainings.items():
            siret = employers[len(lines)]
            lines.append(
                adf_values(
                    person,
                    employer,
                    ID_DECLARATION=declaration,
                    ID_UNIQUE_PARTENAIRE=f"{declaration}-{person.pk}",
                    NOM_FORMATION=title,
                    SIRET_EMPLOYEUR=siret.siret if siret else "73282932000074",
                )
            )
    imported = importer.receive_import(
        io.BytesIO(csv_bytes(lines)), kind="ADF", declarant=provider, role="provider"
    )
    imported = importer.process_import(imported)  # one batch

    assert (imported.accepted_count, imported.rejected_count) == (5, 1)
    assert rejections(imported) == [(7, "SIRET_EMPLOYEUR")]
    assert Declaration.objects.count() == 2
    stored = dict(DeclarationLine.objects.values_list("partner_unique_id", "employer_id"))
    for values, siret in zip(lines[:5], employers, strict=False):
        assert stored[values["ID_UNIQUE_PARTENAIRE"]] == siret.pk
    kinds = dict(PreventionTraining.objects.values_list("partner_unique_id", "training_kind"))
    assert kinds[f"DECL-1-{persons[2].pk}"] == "SST"
