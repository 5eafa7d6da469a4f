import io
import json

import pytest
from lxml import etree

from passeport.ingest.accrochage.models import (
    AccrochagePassage,
    PassageStatus,
    SubmissionStatus,
)
from passeport.ingest.accrochage.reader import SCHEMAS
from passeport.ingest.accrochage.services import submit_accrochage
from passeport.journal.verification import verify_journal
from passeport.records.enums import Assurance, RecordStatus, SourceKind
from passeport.records.models import Certification
from tests.factories import PersonFactory
from tests.ingest.accrochage.builders import HANDWRITTEN, flux, holder, national_id, passage

pytestmark = pytest.mark.django_db


def submit(data: bytes, certifier, name="flux.xml"):
    return submit_accrochage(io.BytesIO(data), certifier=certifier, file_name=name)


def accuse_json(submission) -> dict:
    with submission.accuse_json.open("rb") as file:
        return json.loads(file.read())


def ko(submission) -> dict:
    return {entry["idTechnique"]: entry for entry in accuse_json(submission)["passagesKO"]}


def ok(submission) -> dict:
    return {entry["idTechnique"]: entry for entry in accuse_json(submission)["passagesOK"]}


def test_handwritten_file_becomes_guaranteed_certifications(certifier, fiches, persons):
    submission = submit(HANDWRITTEN.read_bytes(), certifier)

    assert submission.status == SubmissionStatus.PROCESSED
    assert (submission.id_flux, submission.schema_version) == ("FLUX-2026-11-0001", "1.1.2")
    assert (submission.ok_count, submission.ko_count) == (2, 1)
    anais = Certification.objects.get(person=persons["anais"])
    assert anais.code == "RNCP34829"
    assert anais.title == "Technicien supérieur de maintenance"
    assert anais.level == 5
    assert anais.source_kind == SourceKind.ACCROCHAGE
    assert anais.assurance == Assurance.GUARANTEED
    assert anais.certifier == certifier and anais.declarant == certifier
    assert anais.award_mode == "PAR_ADMISSION"
    assert anais.option_label == "Option maintenance des systèmes"
    assert anais.mention == "Mention bien"
    assert str(anais.exam_start) == "2026-06-02" and str(anais.exam_end) == "2026-06-04"
    assert str(anais.awarded_on) == "2026-07-01" and anais.valid_until is None
    lan = Certification.objects.get(person=persons["lan"])  # partial birth date, born abroad
    assert str(lan.valid_until) == "2031-06-30"
    assert ko(submission)["PASS-0003"]["codeErreur"] == "unknown_training_file"
    assert "dossier de formation inconnu" in ko(submission)["PASS-0003"]["messageErreur"].lower()
    assert verify_journal().intact


def test_same_file_twice_changes_nothing(certifier, fiches, persons):
    submit(HANDWRITTEN.read_bytes(), certifier)
    second = submit(HANDWRITTEN.read_bytes(), certifier)

    assert {entry["resultat"] for entry in ok(second).values()} == {"INCHANGE"}
    assert Certification.objects.count() == 2
    assert AccrochagePassage.objects.count() == 2


def test_changed_passage_is_revised_and_suppression_cancels(certifier, fiches, persons):
    submit(flux(("RNCP", "RNCP34829", [passage("P-1")])), certifier)
    revised = submit(
        flux(("RNCP", "RNCP34829", [passage("P-1", valid_until="2031-06-30")])), certifier
    )

    assert ok(revised)["P-1"]["resultat"] == "MODIFIE"
    versions = Certification.objects.order_by("version")
    assert [(c.version, c.status) for c in versions] == [
        (1, RecordStatus.SUPERSEDED),
        (2, RecordStatus.ACTIVE),
    ]
    assert str(versions[1].valid_until) == "2031-06-30"

    deleted = submit(flux(("RNCP", "RNCP34829", [passage("P-1", action="SUPPRESSION")])), certifier)
    again = submit(flux(("RNCP", "RNCP34829", [passage("P-1", action="SUPPRESSION")])), certifier)

    assert deleted.schema_version == "1.1.5"
    assert ok(deleted)["P-1"]["resultat"] == "SUPPRIME"
    assert ok(again)["P-1"]["resultat"] == "SUPPRIME"
    assert Certification.objects.get(version=2).status == RecordStatus.CANCELLED
    assert Certification.objects.count() == 2  # kept in history
    assert AccrochagePassage.objects.get().status == PassageStatus.CANCELLED
    assert verify_journal().intact


def test_national_identifier_of_version_1_1_5(certifier, fiches):
    person = PersonFactory(birth_name="Durand", nir="283047510712345"[:13] + "00")
    nir13 = person.reveal_nir()[:13]
    submission = submit(
        flux(
            (
                "RS",
                "RS5286",
                [
                    passage("N-1", identification=national_id(nir13, "DURAND")),
                    passage("N-2", identification=national_id(nir13, "MARTIN")),
                ],
            )
        ),
        certifier,
    )

    assert ok(submission)["N-1"]["resultat"] == "CREE"
    assert ko(submission)["N-2"]["codeErreur"] == "birth_name_mismatch"
    for field in (submission.accuse_xml, submission.accuse_json):
        with field.open("rb") as file:
            assert nir13.encode() not in file.read()
    assert nir13 not in json.dumps(submission.preview)


@pytest.mark.parametrize(
    ("passage_xml", "code", "words"),
    [
        (passage(identification=holder(name="INCONNU")), "no_match", "Aucun titulaire"),
        (passage(identification=holder(insee="13055")), "birthplace_mismatch", "lieu de naissance"),
        (
            passage(identification=holder(postcode="75012")),
            "birthplace_mismatch",
            "lieu de naissance",
        ),
        (passage(identification=holder(day=13)), "birth_date_mismatch", "date de naissance"),
        (
            passage(valid_from="2026-07-01", valid_until="2026-01-01"),
            "validity_dates",
            "fin de validité",
        ),
        (passage(exam=("2026-06-04", "2026-06-02")), "exam_dates", "fin d'examen"),
        (passage(exam=("2026-08-01", "2026-08-02")), "validity_before_exam", "avant le début"),
        (passage(award="PAR_SCORING"), "scoring_missing", "score"),
    ],
)
def test_each_passage_rejection_has_its_french_reason(
    certifier, fiches, persons, passage_xml, code, words
):
    submission = submit(flux(("RNCP", "RNCP34829", [passage_xml])), certifier)

    entry = ko(submission)["P-1"]
    assert entry["codeErreur"] == code
    assert words in entry["messageErreur"]
    assert submission.ok_count == 0
    assert not Certification.objects.exists()


def test_several_persons_with_the_same_identity(certifier, fiches, persons):
    PersonFactory(
        birth_name="Le Bihan-Lefèvre",
        first_names="Anaïs Marie",
        sex="F",
        birth_year=1988,
        birth_month=4,
        birth_day=12,
        birth_commune_code="69381",
    )
    submission = submit(flux(("RNCP", "RNCP34829", [passage()])), certifier)

    assert ko(submission)["P-1"]["codeErreur"] == "several_matches"


def test_certification_codes(certifier, fiches, persons):
    submission = submit(
        flux(
            ("RNCP", "RNCP99999", [passage("unknown")]),
            ("RNCP", "RNCP30000", [passage("replaced")]),
            ("RNCP", "RNCP20000", [passage("in-period", valid_from="2025-06-01", exam=None)]),
            ("RNCP", "20000", [passage("after-period", valid_from="2026-06-01", exam=None)]),
            ("RS", "RNCP34829", [passage("wrong-type")]),
            ("DIPLOME", "X1", [passage("bad-kind")]),
        ),
        certifier,
    )

    rejected, accepted = ko(submission), ok(submission)
    assert rejected["unknown"]["codeErreur"] == "unknown_certification"
    assert "RNCP38000" in accepted["replaced"]["avertissement"]
    assert accepted["replaced"]["codeCertification"] == "RNCP30000"
    assert "période d'enregistrement" in accepted["in-period"]["avertissement"]
    assert rejected["after-period"]["codeErreur"] == "inactive_certification"
    assert rejected["wrong-type"]["codeErreur"] == "certification_code_type"
    assert rejected["bad-kind"]["codeErreur"] == "certification_type"


def test_emitter_and_certifier_must_be_the_depositor(certifier, fiches, persons):
    other = flux(("RNCP", "RNCP34829", [passage()]), certifier_id="OTHER001", emitter="OTHER001")
    third = flux(("RNCP", "RNCP34829", [passage()]), emitter="TIERS001")
    mandated = flux(("RNCP", "RNCP34829", [passage()], "TIERS_CONFIANCE"), emitter="TIERS001")

    assert ko(submit(other, certifier))["P-1"]["codeErreur"] == "certifier_mismatch"
    assert ko(submit(third, certifier))["P-1"]["codeErreur"] == "emitter_mismatch"
    assert ok(submit(mandated, certifier))["P-1"]["resultat"] == "CREE"


def test_duplicate_id_and_unknown_suppression(certifier, fiches, persons):
    submission = submit(
        flux(
            (
                "RNCP",
                "RNCP34829",
                [passage("D"), passage("D"), passage("S", action="SUPPRESSION")],
            )
        ),
        certifier,
    )

    assert ok(submission)["D"]["resultat"] == "CREE"
    rejected = accuse_json(submission)["passagesKO"]
    assert [(e["idTechnique"], e["codeErreur"]) for e in rejected] == [
        ("D", "duplicate_in_file"),
        ("S", "unknown_passage"),
    ]


def test_passage_moved_to_another_person(certifier, fiches, persons):
    submit(flux(("RNCP", "RNCP34829", [passage()])), certifier)
    moved = submit(
        flux(
            (
                "RNCP",
                "RNCP34829",
                [passage(identification=holder("Nguyen", "Thi Lan", 1979, 2, 3, insee="99243"))],
            )
        ),
        certifier,
    )

    assert ok(moved)["P-1"]["resultat"] == "MODIFIE"
    assert Certification.objects.get(person=persons["anais"]).status == RecordStatus.CANCELLED
    assert Certification.objects.get(person=persons["lan"]).status == RecordStatus.ACTIVE


def test_accuse_xml_follows_its_schema_and_json_mirrors_it(certifier, fiches, persons):
    submission = submit(HANDWRITTEN.read_bytes(), certifier)

    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "accuse_traitement_passeport_v1.0.xsd")))
    with submission.accuse_xml.open("rb") as file:
        document = etree.parse(file)
    schema.assertValid(document)
    ns = {"a": "urn:passeport:accrochage:accuse:1.0"}
    assert document.findtext("a:statut", namespaces=ns) == "TRAITE"
    assert document.findtext("a:nombrePassagesKO", namespaces=ns) == "1"
    assert document.findtext("a:passagesKO/a:passageKO/a:idTechnique", namespaces=ns) == "PASS-0003"
    data = accuse_json(submission)
    assert data["statut"] == "TRAITE"
    assert data["idFlux"] == "FLUX-2026-11-0001"
    assert (data["nombrePassagesOK"], data["nombrePassagesKO"]) == (2, 1)
    assert [e["idTechnique"] for e in data["passagesOK"]] == ["PASS-0001", "PASS-0002"]
    assert submission.preview["ko"][0]["idTechnique"] == "PASS-0003"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"<cpf:flux xmlns:cpf='urn:cdc:cpf:pc5:schema:1.0.0'>\n<cpf:idFlux>", "Ligne 2"),
        (flux(("RNCP", "RNCP34829", [passage(award="PAR_HASARD")])), "conforme au schéma"),
    ],
)
def test_invalid_file_is_rejected_as_a_whole(certifier, fiches, persons, data, words):
    submission = submit(data, certifier)

    assert submission.status == SubmissionStatus.REJECTED
    assert words in submission.error_message
    data = accuse_json(submission)
    assert data["statut"] == "REJETE" and words in data["messageErreur"]
    assert not Certification.objects.exists()


def test_oversized_file_is_rejected_unread(certifier, settings):
    settings.ACCROCHAGE_MAX_BYTES = 100
    submission = submit(b"<x>" + b" " * 200 + b"</x>", certifier)

    assert submission.status == SubmissionStatus.REJECTED
    assert "taille maximale" in submission.error_message
    assert not submission.source


def test_large_file_goes_to_the_background(
    certifier, fiches, persons, settings, django_capture_on_commit_callbacks
):
    settings.ACCROCHAGE_SYNC_MAX_BYTES = 10
    with django_capture_on_commit_callbacks(execute=True):
        submission = submit(HANDWRITTEN.read_bytes(), certifier)
        assert submission.status == SubmissionStatus.RECEIVED

    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.PROCESSED
    assert submission.ok_count == 2
