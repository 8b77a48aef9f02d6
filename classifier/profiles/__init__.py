"""Institution profiles (TOML); see classifier.profile."""
