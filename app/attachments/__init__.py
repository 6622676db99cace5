"""Content-addressed uploads (photos, signatures), idempotent by SHA-256 (DESIGN "Photos")."""
