"""Duty: the duty log (D5, D6); later the roster and the handover."""
