"""Staff accounts, roles, sign-in, sessions and the route guard."""
