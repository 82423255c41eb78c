"""The case folder: everything a review loaded, found and decided, kept durably on disk."""
