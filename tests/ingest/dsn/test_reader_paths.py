"""The reader's fast paths read as its slow ones: a chunk decoded at once (`_decode_chunk`)
gives what the line by line decoding gives, violations included; and a file whose blocks
come in the wrong places is reported, never an exception."""

import dataclasses

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from passeport.ingest.dsn import lines as dsn_lines
from passeport.ingest.dsn.reader import DsnReader
from tests.ingest.dsn.dsn_fixtures import FEBRUARY, FIXTURES, JANUARY

# Bytes the chunk checks look at: C0 and C1 controls, carriage returns, ISO-8859-1 letters
# and signs, UTF-8 sequences (of an accented letter, of a C1 control), a lone lead byte.
PIECES = [
    b"a",
    b"\xe9",
    "é".encode(),
    "«".encode("iso-8859-1"),
    "«".encode(),
    b"\x85",
    b"\xc2\x85",
    b"\xc3",
    b"\x01",
    b"\t",
    b"\r",
    b"\r\n",
    b"\xef\xbb\xbf",
    b"'",
]


def _read(path) -> tuple:
    reader = DsnReader(path)
    declarations = []
    for declaration in reader.declarations():
        individuals = [dataclasses.asdict(i) for i in declaration.individuals()]
        declarations.append(
            (
                declaration.siret,
                declaration.nature,
                declaration.violations,
                declaration.violation_count,
                individuals,
            )
        )
    return reader.encoding, reader.lines, reader.file_violations, declarations


def _line_by_line(data: bytes, decided):
    return None, decided


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    base=st.sampled_from([JANUARY, FEBRUARY]),
    edits=st.lists(
        st.tuples(st.integers(0, 10_000), st.integers(0, 60), st.sampled_from(PIECES)),
        max_size=4,
    ),
)
def test_chunks_read_as_lines(base, edits, tmp_path, monkeypatch):
    lines = (FIXTURES / base).read_bytes().split(b"\n")
    for line_index, column, piece in edits:
        index = line_index % len(lines)
        line = lines[index]
        lines[index] = line[:column] + piece + line[column:]
    path = tmp_path / "edited.dsn"
    path.write_bytes(b"\n".join(lines))

    fast = _read(path)
    with monkeypatch.context() as patch:
        patch.setattr(dsn_lines, "_decode_chunk", _line_by_line)
        slow = _read(path)
    assert fast == slow


def test_individual_after_the_envoi_total_is_reported(tmp_path):
    """An individual block after S90 belongs to no declaration: a structure violation of
    the file, and the declaration before it stays as it was read."""
    text = (FIXTURES / JANUARY).read_bytes().decode("iso-8859-1")
    lines = text.splitlines()
    individual = [line for line in lines if line.startswith("S21.G00.30.")]
    path = tmp_path / "after_total.dsn"
    more = lines + individual[:8] + [line for line in lines if line.startswith("S10.")]
    path.write_bytes("\r\n".join(more).encode("iso-8859-1"))

    _encoding, _lines, file_violations, declarations = _read(path)

    assert [d[:2] for d in declarations] == [("12345678200010", "01")]
    assert len(declarations[0][4]) == 4
    assert any(
        v.rubrique == "S21.G00.30" and "doit se trouver dans un bloc" in v.reason
        for v in file_violations
    )
