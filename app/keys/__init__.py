"""Keys kept at the duty room and their lending (SPEC K2)."""
