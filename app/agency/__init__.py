"""Agencies: their job openings."""
