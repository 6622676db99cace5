"""The estate register (E1–E4), its import and export, resident files and their spot checks (E2, K1)."""
