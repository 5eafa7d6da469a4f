"""Funders (EDEF): conventions, credit orders to listed holders, co-construction rules
applied at purchase, their budget envelopes and the funders' reporting."""
