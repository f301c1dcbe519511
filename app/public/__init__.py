"""Public pages: home, pathways, health."""
