"""Command groups of the `pathfinder` CLI that belong to one user group each."""
