"""Patrols and nonconformances (SPEC P1–P6, D3, D9): routes, rounds walked offline, findings,
and the nonconformance lifecycle open → rectified → verified (closed) or reopened."""
