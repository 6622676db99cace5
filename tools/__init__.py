"""Developer scripts; not part of the running app."""
