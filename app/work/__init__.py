"""Requests, work orders and paid services: intake to resident sign-off (SPEC W1–W8, S1–S3, C4, D11)."""
