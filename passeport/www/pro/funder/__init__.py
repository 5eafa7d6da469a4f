"""The funder's space (EDEF): convention, credit orders, rules and envelopes, board."""
