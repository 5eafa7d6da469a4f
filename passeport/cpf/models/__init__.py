from .declarations import AgentDeclaration, CecDeclaration, CecTransition
from .ledger import BALANCE_FIELDS, CpfAccount, LedgerImmutableError, Movement

__all__ = [
    "BALANCE_FIELDS",
    "AgentDeclaration",
    "CecDeclaration",
    "CecTransition",
    "CpfAccount",
    "LedgerImmutableError",
    "Movement",
]
