"""accountaudit: review a police officer's public social-media accounts for blurred boundaries."""

__version__ = "0.1.0"
