"""The supervisor's reports and the office's emergencies (SPEC G1–G3, D3, D7, P4, W5, W8)."""
