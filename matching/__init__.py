"""Pathfinder's matcher: a plain library (no Flask) built on scikit-learn and rapidfuzz."""
