"""Program offices: funding search, matches for a profile, saved searches, alerts."""
