"""Hostile DSN files, from the attacker's side: digit-like characters where numbers are
expected (the fuzzer's crashing inputs), one line of megabytes, a flood of broken lines,
an oversized file, an internal error. Each ends with a deposit in a final state and its
report, never a traceback nor "en cours" for ever."""

import pytest
from django.core.management import CommandError, call_command

from passeport.core.sizes import number
from passeport.ingest.dsn import lines as dsn_lines
from passeport.ingest.dsn import reader as dsn_reader
from passeport.ingest.dsn.deposits import DepositFailed, ingest_file
from passeport.ingest.dsn.models import DepositStatus, DsnDeposit
from passeport.ingest.dsn.reader import DsnReader
from passeport.records.models import EmploymentPeriod
from tests.ingest.dsn.dsn_fixtures import DEPOSIT, FEBRUARY, FIXTURES, JANUARY

pytestmark = pytest.mark.django_db


def edited(tmp_path, name: str, rubrique: str, value: bytes, *, occurrence: int = 0) -> tuple:
    """A copy of a fixture whose `occurrence`-th line of `rubrique` carries `value`; with
    the number of that line."""
    lines = (FIXTURES / name).read_bytes().split(b"\n")
    found = [i for i, line in enumerate(lines) if line.startswith(rubrique.encode() + b",'")]
    index = found[occurrence]
    ending = b"\r" if lines[index].endswith(b"\r") else b""
    lines[index] = rubrique.encode() + b",'" + value + b"'" + ending
    path = tmp_path / f"edited-{name}"
    path.write_bytes(b"\n".join(lines))
    return path, index + 1


def all_violations(report: dict) -> list[dict]:
    found = list(report["anomalies_fichier"])
    for declaration in report["declarations"]:
        found.extend(declaration["anomalies"])
    return found


# ISO-8859-1 "¹" "²" "³" (0xB9, 0xB2, 0xB3): `str.isdigit()` says yes, `int()` says no.
SUPERSCRIPT_ONE = "¹".encode("iso-8859-1")


@pytest.mark.parametrize(
    ("rubrique", "value"),
    [
        ("S21.G00.30.006", b"1503198" + SUPERSCRIPT_ONE),  # Individual.birth_year
        ("S21.G00.30.006", b"15" + SUPERSCRIPT_ONE + b"31985"),  # Individual.birth_month
        ("S21.G00.30.006", b"1503" + "¹²³⁴".encode("iso-8859-1", "replace")),
        ("S21.G00.40.001", b"0109202" + SUPERSCRIPT_ONE),  # a contract's start date
        ("S20.G00.05.005", SUPERSCRIPT_ONE + b"1012025"),  # the declaration's month
        ("S21.G00.40.012", b"151." + SUPERSCRIPT_ONE + b"7"),  # a quotity (a decimal)
        ("S90.G00.90.001", b"8" + SUPERSCRIPT_ONE),  # the envoi's totals
        ("S90.G00.90.002", SUPERSCRIPT_ONE),
    ],
)
def test_digit_like_characters_are_refused_with_their_line(holders, tmp_path, rubrique, value):
    path, line = edited(tmp_path, JANUARY, rubrique, value)
    result = ingest_file(path)

    assert result.deposit.status == DepositStatus.REJECTED
    assert result.deposit.finished_at is not None
    said = [v for v in all_violations(result.report) if v["ligne"] == line]
    assert said and said[0]["rubrique"] == rubrique
    assert not EmploymentPeriod.objects.exists()


def test_unicode_digits_that_int_would_read_are_refused_too(holders, tmp_path):
    """ "١٩٨٥" is 1985 for `int()` and a decimal for `str.isdecimal()`: no DSN value."""
    path, line = edited(tmp_path, FEBRUARY, "S21.G00.30.006", "1503١٩٨٥".encode())
    result = ingest_file(path)

    assert result.deposit.status == DepositStatus.REJECTED
    said = [v for v in all_violations(result.report) if v["ligne"] == line]
    assert said[0]["rubrique"] == "S21.G00.30.006"


@pytest.mark.parametrize("rubrique", ["S96.G51.00.002", "S95.G51.00.002"])
def test_envelope_counts_that_are_not_numbers_are_refused(holders, tmp_path, rubrique):
    path, line = edited(tmp_path, FEBRUARY, rubrique, "1¹".encode())
    result = ingest_file(path)

    said = [v for v in result.report["anomalies_fichier"] if v["ligne"] == line]
    assert said[0]["rubrique"] == rubrique
    assert "chiffres 0 à 9" in said[0]["motif"]
    # The declaration itself is whole: integrated, the envelope's anomaly reported.
    assert result.deposit.status == DepositStatus.PARTIAL
    assert result.report["totaux"]["declarations_integrees"] == 1


@pytest.mark.parametrize("size", [5_000, 3 * (1 << 20) + 17])
def test_a_line_longer_than_a_dsn_line_is_refused_without_being_read(holders, tmp_path, size):
    """A line of kilobytes inside a chunk, or of megabytes across chunks: refused with its
    size, the rest of the file read as usual."""
    lines = (FIXTURES / DEPOSIT).read_bytes().split(b"\n")
    # Before the second declaration's S20 block: the first declaration gets the anomaly.
    second = [i for i, line in enumerate(lines) if line.startswith(b"S20.G00.05.001")][1]
    lines.insert(second - 3, b"S21.G00.40.006,'" + b"x" * size + b"'")
    path = tmp_path / "long.dsn"
    path.write_bytes(b"\n".join(lines))

    result = ingest_file(path)

    said = [v for v in all_violations(result.report) if "octets" in v["motif"]]
    assert len(said) == 1
    assert said[0]["ligne"] == second - 2
    assert f"au plus {number(dsn_lines.MAX_LINE_BYTES)} " in said[0]["motif"]
    statuses = [d["statut"] for d in result.report["declarations"]]
    assert statuses[0] == "rejetée" and len(statuses) == 4
    assert result.report["lignes"] == path.read_bytes().count(b"\n")


def test_a_file_of_one_huge_line_is_refused_line_and_file(holders, tmp_path):
    path = tmp_path / "one-line.dsn"
    path.write_bytes(b"S10.G00.00.001,'" + b"A" * (2 * (1 << 20)))  # no end of line at all

    result = ingest_file(path)

    assert result.deposit.status == DepositStatus.REJECTED
    assert "octets" in result.report["anomalies_fichier"][0]["motif"]


def test_the_longest_line_of_the_cahier_technique_fits(holders):
    from passeport.ingest.dsn import dictionary

    longest = max(
        spec.max_length
        for norm in dictionary.load().norms.values()
        for spec in norm.fields.values()
    )
    # Sxx.Gxx.xx.xxx,' + value + ' + CRLF, each character up to 2 bytes in UTF-8.
    assert len("S21.G00.40.006,''\r\n") + 2 * longest <= dsn_lines.MAX_LINE_BYTES


def test_a_flood_of_broken_lines_stops_the_file(holders, tmp_path, settings):
    """Too many anomalies: reading stops with "trop d'erreurs", the declarations read before
    are processed, nothing more is kept in memory or in the report."""
    settings.DSN_MAX_VIOLATIONS = 50
    good = (FIXTURES / FEBRUARY).read_bytes()
    path = tmp_path / "flood.dsn"
    path.write_bytes(good + b"\n".join(b"garbage %d" % i for i in range(20_000)) + b"\n")

    result = ingest_file(path)

    stop = result.report["anomalies_fichier"][0]
    assert stop["motif"].startswith("Trop d'erreurs : corrigez le fichier et renvoyez-le.")
    assert len(result.report["anomalies_fichier"]) <= 50 + dsn_lines.MAX_PENDING
    assert result.report["totaux"]["declarations_integrees"] == 1
    assert result.deposit.status == DepositStatus.PARTIAL
    assert EmploymentPeriod.objects.exists()


def test_the_reader_stops_reading_after_too_many_violations(tmp_path):
    lines = [b"S21.G00.30.001,'broken" for _ in range(5_000)]
    path = tmp_path / "broken.dsn"
    path.write_bytes(b"\n".join(lines))
    reader = DsnReader(path, max_violations=100)

    assert list(reader.declarations()) == []
    assert reader.stopped
    assert reader.lines < 5_000  # not read to its end
    assert len(reader.file_violations) <= 100 + dsn_lines.MAX_PENDING + 1


def test_an_oversized_file_is_refused_unread(holders, tmp_path, settings):
    settings.DSN_MAX_BYTES = 1_000
    path = tmp_path / "big.dsn"
    path.write_bytes((FIXTURES / JANUARY).read_bytes())

    result = ingest_file(path)

    assert result.deposit.status == DepositStatus.REJECTED
    assert result.deposit.sha256 == ""  # not even read for its fingerprint
    motif = result.report["anomalies_fichier"][0]["motif"]
    assert motif == (
        "Le fichier pèse 3,7 Ko : une DSN en fait au plus 1\u202f000 octets. Il n'a pas été lu."
    )
    assert result.report["declarations"] == []


def test_an_internal_error_while_reading_ends_the_deposit_failed(holders, tmp_path, monkeypatch):
    """Whatever breaks inside (here, the reader), the deposit is not left "en cours": it
    ends failed with its report, and the command says so and goes on with the next file."""
    original = dsn_reader.DsnReader._on_contract

    def breaking(self, fields, line):
        if self._declaration.index == 3:
            raise ValueError("simulated")
        return original(self, fields, line)

    monkeypatch.setitem(dsn_reader._HANDLERS, "S21.G00.40", breaking)
    path = tmp_path / "deposit.dsn"
    path.write_bytes((FIXTURES / DEPOSIT).read_bytes())
    with pytest.raises(DepositFailed) as failure:
        ingest_file(path)
    assert isinstance(failure.value.__cause__, ValueError)
    deposit = DsnDeposit.objects.get()
    assert deposit.status == DepositStatus.FAILED
    statuses = [d["statut"] for d in deposit.report["declarations"]]
    assert "interrompue" in statuses and "intégrée" not in statuses[statuses.index("interrompue") :]
    assert deposit.report["totaux"]["declarations_interrompues"] >= 1

    other = tmp_path / "january.dsn"
    other.write_bytes((FIXTURES / JANUARY).read_bytes())
    with pytest.raises(CommandError, match=r"Échec du traitement : deposit\.dsn"):
        call_command("ingest_dsn", str(path), str(other), "--no-progress")
    assert DsnDeposit.objects.filter(file_name="january.dsn").get().status in (
        DepositStatus.PROCESSED,
        DepositStatus.PARTIAL,
    )
