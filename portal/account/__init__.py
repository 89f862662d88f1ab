"""The user's own account (/account): password, two-factor login, sessions, API tokens; and the
admin's view of every account and of the sign-in events."""
