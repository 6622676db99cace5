"""Follow-up visits (F1–F7), complaints (C1–C5), consultations (Q1) and the office's figures (K1)."""
