"""The training providers' portal (EDOF): the offer, the training files."""
