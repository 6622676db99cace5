"""Organisation: company → offices → buildings → units → residents; departments."""
