"""What OPM staff and admins do: curation, reviews, operations (no Flask routes here)."""
