"""Built-in checks: Python checks (one module each) and the rule-pack engine for TOML packs."""
