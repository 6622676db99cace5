"""The home page: what is on today for the signed-in role."""
