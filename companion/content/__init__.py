"""Question packs: the built-in backend pack (TOML data) and its loader."""
