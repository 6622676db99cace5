"""Renovation (装修, SPEC M4–M7, P6)."""
