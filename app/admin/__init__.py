"""Admins: inviting OPM staff and agency posters, and managing accounts and their roles."""
