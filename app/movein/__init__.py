"""Move-in (入伙, SPEC M1–M3)."""
