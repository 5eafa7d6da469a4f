from .conventions import CONVENTION_TRANSITIONS, Convention, ConventionTransition
from .orders import ORDER_TRANSITIONS, CreditLine, CreditOrder, OrderRestriction, OrderTransition
from .rules import (
    RULE_TRANSITIONS,
    Commitment,
    Envelope,
    Rule,
    RuleTarget,
    RuleTransition,
)

__all__ = [
    "CONVENTION_TRANSITIONS",
    "ORDER_TRANSITIONS",
    "RULE_TRANSITIONS",
    "Commitment",
    "Convention",
    "ConventionTransition",
    "CreditLine",
    "CreditOrder",
    "Envelope",
    "OrderRestriction",
    "OrderTransition",
    "Rule",
    "RuleTarget",
    "RuleTransition",
]
