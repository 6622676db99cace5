"""The duty roster (值班安排表): shift templates, holidays, the month grid, leave and substitutes (D1, D2, D4, D8)."""
