"""Names of the hand-written DSN fixtures (written from the norms' rubrique tables)."""

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
JANUARY = "mensuelle_2025-01.dsn"  # P25V01, ISO-8859-1, CRLF, no envelope, 4 individuals
FEBRUARY = "mensuelle_2025-02_utf8_enveloppe.dsn"  # P25V01, UTF-8, LF, envelope; an end
DEPOSIT = "depot_plusieurs_declarations_2026-03.dsn"  # P26V01, envelope, 4 declarations
