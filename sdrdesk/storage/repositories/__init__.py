"""Repositories take a Session and never commit: the unit of work does."""
