"""Loaders: turn platform exports into Items (one module per platform)."""
