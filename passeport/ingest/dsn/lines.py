"""Reading a DSN file's bytes into lines and block instances, in constant memory.

One rubrique per line, `Sxx.Gxx.xx.xxx,'value'`, ISO-8859-1 or UTF-8 (detected line by
line: the first non-ASCII line decides, a later line in the other encoding is an error),
LF or CRLF. The file is read 1 MiB at a time; a chunk's encoding and cleanliness are
decided on its bytes (see `_decode_chunk`), so that a clean chunk is decoded and split
at once and only a doubtful one goes line by line. Lines are grouped into block
instances: a block starts again when its rubrique numbers stop increasing, as the
cahier technique says. Whatever cannot be read is a `Violation` of the line.

A line longer than `MAX_LINE_BYTES` is refused before it is built: its bytes are skipped
up to the next end of line, so that one line of 300 MB costs no more memory than a chunk.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from passeport.core.sizes import number

from .declaration import Violation

_CHUNK = 1 << 20  # bytes read at a time
# The longest DSN line: `Sxx.Gxx.xx.xxx,'` and `'` around the longest value of the cahier
# technique (120 characters, S21.G00.40.006), up to 2 bytes each in UTF-8, with room.
MAX_LINE_BYTES = 1024
# Line violations waiting for the next block are handed out by this many at most (a file
# of nothing but broken lines never holds them all).
MAX_PENDING = 100


def too_long(size: int) -> str:
    return (
        f"Ligne de {number(size)} octets : une ligne de DSN en compte au plus "
        f"{number(MAX_LINE_BYTES)} (Sxx.Gxx.xx.xxx,'valeur'). Elle n'est pas lue."
    )


class LineSource:
    """The file's block instances (`block_instances()`), and what reading it found:
    encoding, number of lines, bytes read, violations outside any block."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.file_violations: list[Violation] = []
        self.encoding = "ascii"
        self.lines = 0
        self.bytes_read = 0

    def texts(self) -> Iterator[tuple[int, list]]:
        """(first line number, lines) per chunk of the file: the lines as texts when the
        chunk is ASCII (the common case, decoded at once), else as (text, reason the line
        cannot be read or "") pairs."""
        decided = None  # "utf-8" or "iso-8859-1" once a non-ASCII line was seen
        with self.path.open("rb") as handle:
            head = handle.read(4)
            handle.seek(0)
            if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
                self.file_violations.append(
                    Violation(
                        1,
                        "",
                        "Encodage non pris en charge (UTF-16 ?) : une DSN est en ISO-8859-1 "
                        "ou en UTF-8.",
                    )
                )
                return
            number = 0
            rest = b""
            skipped = 0  # bytes of an over-long line read so far, while skipping it
            while True:
                chunk = handle.read(_CHUNK)
                if skipped:
                    # Inside an over-long line: its bytes are dropped up to its end.
                    cut = chunk.find(b"\n") + 1 if chunk else len(chunk)
                    if chunk and not cut:
                        skipped += len(chunk)
                        self.bytes_read += len(chunk)
                        continue
                    size = skipped + max(cut - 1, 0)
                    self.bytes_read += cut
                    number += 1
                    self.lines = number
                    yield number, [(head, too_long(size))]
                    skipped, chunk = 0, chunk[cut:]
                    if not chunk:
                        continue
                if chunk:
                    data = rest + chunk
                    cut = data.rfind(b"\n") + 1
                    if not cut:
                        if len(data) > MAX_LINE_BYTES:
                            # No end of line in sight: refused without being kept.
                            head = data[:16].decode("iso-8859-1")
                            skipped, rest = len(data), b""
                            self.bytes_read += len(data)
                        else:
                            rest = data
                        continue
                    data, rest = data[:cut], data[cut:]
                elif rest:
                    data, rest = rest, b""
                else:
                    return
                self.bytes_read += len(data)
                raws = data.split(b"\n")
                if not raws[-1]:
                    raws.pop()
                if number == 0 and raws and raws[0].startswith(b"\xef\xbb\xbf"):
                    raws[0], decided, self.encoding = raws[0][3:], "utf-8", "utf-8"
                    data = None
                first = number + 1
                number += len(raws)
                self.lines = number
                text = None
                if data is not None and max(map(len, raws), default=0) > MAX_LINE_BYTES:
                    data = None  # a line too long: this chunk goes line by line
                if data is not None:
                    text, decided = _decode_chunk(data, decided)
                if text is not None:
                    if decided is not None:
                        self.encoding = decided
                    if "\r" not in text:
                        texts = text.split("\n")
                    elif text.count("\r") == text.count("\r\n") == text.count("\n"):
                        texts = text.split("\r\n")  # CRLF throughout: no `rstrip` per line
                    else:
                        texts = [line.rstrip("\r") for line in text.split("\n")]
                    if not texts[-1]:
                        texts.pop()
                    yield first, texts
                    continue
                lines = []
                for raw in raws:
                    raw = raw.rstrip(b"\r\n")
                    if len(raw) > MAX_LINE_BYTES:
                        lines.append((raw[:16].decode("iso-8859-1"), too_long(len(raw))))
                        continue
                    if raw.isascii():
                        lines.append((raw.decode("ascii"), ""))
                        continue
                    try:
                        text, encoding = raw.decode("utf-8"), "utf-8"
                    except UnicodeDecodeError:
                        text, encoding = raw.decode("iso-8859-1"), "iso-8859-1"
                    if decided is None:
                        decided = self.encoding = encoding
                    if decided != encoding:
                        reason = (
                            f"Ligne en {encoding.upper()} dans un fichier en {decided.upper()} "
                            "(encodage mixte)."
                        )
                    elif any("\x80" <= char <= "\x9f" or char < " " for char in text):
                        reason = (
                            "Caractère de contrôle ou hors ISO-8859-1 (fichier en Windows-1252 ?)."
                        )
                    else:
                        reason = ""
                    lines.append((text, reason))
                yield first, lines

    def block_instances(self):
        """(block, {field: (value, line)}, first line, line violations) per block instance;
        the block is None for violations handed out before their block is known."""
        block, fields, first, last_field, pending = None, {}, 0, "", []
        for start, lines in self.texts():
            number = start - 1
            for line in lines:
                number += 1
                if line.__class__ is str:
                    text, reason = line, ""
                    # A well-formed line (nearly all of them), checked in one expression
                    # (one-character indexes: no new string, unlike a slice).
                    if (
                        len(text) > 16
                        and text[14] == ","
                        and text[15] == "'"
                        and text[-1] == "'"
                        and text[0] == "S"
                        and text[3] == "."
                        and text[10] == "."
                    ):
                        name, number_in_block = text[:10], text[11:14]
                        if name != block or number_in_block <= last_field:
                            if block is not None:
                                yield block, fields, first, pending
                                pending = []
                            block, fields, first = name, {}, number
                        fields[number_in_block] = (text[16:-1], number)
                        last_field = number_in_block
                        continue
                else:
                    text, reason = line
                if not reason and not text.strip():
                    continue
                rubrique = text[:14]
                if not reason and (
                    len(text) < 17
                    or text[14:16] != ",'"
                    or text[-1] != "'"
                    or rubrique[0] != "S"
                    or rubrique[3] != "."
                    or rubrique[10] != "."
                ):
                    reason = "Ligne mal formée : attendu Sxx.Gxx.xx.xxx,'valeur'."
                if reason:
                    shown = rubrique if rubrique[:1] == "S" and rubrique[3:4] == "." else ""
                    pending.append(Violation(number, shown, reason))
                    if len(pending) >= MAX_PENDING:
                        yield None, {}, number, pending  # no block: violations only
                        pending = []
                    continue
                name, number_in_block = rubrique[:10], rubrique[11:]
                if name != block or number_in_block <= last_field:
                    if block is not None:
                        yield block, fields, first, pending
                        pending = []
                    block, fields, first = name, {}, number
                fields[number_in_block] = (text[16:-1], number)
                last_field = number_in_block
        if block is not None:
            yield block, fields, first, pending
        elif pending:
            self.file_violations.extend(pending)


# What makes a chunk need the line by line path: a character the per-line check flags
# (C0 control, C1 control), a carriage return inside a line; in ISO-8859-1, what could be a
# UTF-8 sequence (a line in UTF-8 in that chunk: mixed encodings). Checked on the bytes with
# `bytes.translate` (keeping only the bytes that may matter) and `count`, a few times faster
# than one regex over the decoded text (its `\r(?!\n)` branch is tried at every position).
_C0 = bytes(b for b in range(0x20) if b not in (0x0A, 0x0D))
_NOT_C0 = bytes(b for b in range(256) if b not in _C0)
# C0 controls and 0x80–0xBF: in ISO-8859-1, C1 controls and every UTF-8 continuation byte.
_NOT_C0_OR_CONTINUATION = bytes(b for b in range(256) if b not in _C0 and not 0x80 <= b <= 0xBF)
_C1_IN_UTF8 = re.compile(b"\xc2[\x80-\x9f]")
_UTF8_SEQUENCE = re.compile(b"[\xc2-\xf4][\x80-\xbf]")


def _lone_carriage_return(data: bytes) -> bool:
    return data.count(b"\r") != data.count(b"\r\n")


def _decode_chunk(data: bytes, decided: str | None) -> tuple[str | None, str | None]:
    """(text, encoding decided) for a chunk of whole lines that reads as the per-line
    path would read it, line for line, without a reason on any line; (None, decided)
    when the chunk must go line by line."""
    if data.isascii():
        return data.decode("ascii"), decided
    if decided != "iso-8859-1":
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is not None:
            # Every line decodes as UTF-8: each non-ASCII line is UTF-8.
            if (
                data.translate(None, _NOT_C0)
                or _C1_IN_UTF8.search(data) is not None
                or _lone_carriage_return(data)
            ):
                return None, decided
            return text, "utf-8"
        if decided == "utf-8":
            return None, decided
    # Left: C0 controls and bytes 0x80–0xBF. Below 0xA0, a control (C0 or C1); a byte of
    # 0xA0–0xBF is a character (« ° …) unless it follows a UTF-8 lead byte.
    suspects = data.translate(None, _NOT_C0_OR_CONTINUATION)
    if suspects and (min(suspects) < 0xA0 or _UTF8_SEQUENCE.search(data) is not None):
        return None, decided
    if _lone_carriage_return(data):
        return None, decided
    return data.decode("iso-8859-1"), "iso-8859-1"
