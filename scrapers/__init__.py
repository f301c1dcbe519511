"""Pathfinder's scrapers: a plain library (no Flask) for USAJOBS and Grants.gov sources."""
