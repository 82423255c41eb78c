"""Exporters: the Excel review sheet, findings as JSON Lines, and reading decisions back."""
