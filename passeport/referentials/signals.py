"""Sent by `load_referentials` once its sources are loaded and the derived tables rebuilt,
so that apps reading the referentials rebuild what they precompute from them (data flows
one way: the referentials know nothing of their readers).

Receivers get `sources`, the names of the sources that were (re)loaded."""

from django.dispatch import Signal

referentials_loaded = Signal()
