"""Offline writes: typed mutations from the phones' outboxes, applied once (DESIGN "Offline model")."""
