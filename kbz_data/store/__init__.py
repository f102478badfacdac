"""Canonical frames, validation, the build and read/write of the store."""
