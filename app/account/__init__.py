"""Accounts: sign-in, registration, password changes."""
