"""The shift handover (交接班): checklist, the four refusals, both signatures; who is on duty now (H1–H7, D10, D11)."""
