"""Fee status from the finance department and dunning (SPEC $1, $2)."""
