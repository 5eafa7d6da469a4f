"""Readers and loaders that turn source files into passport records."""
