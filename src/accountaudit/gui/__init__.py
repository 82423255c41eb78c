"""The desktop GUI: the only package that imports Qt; it drives the core's public API."""
