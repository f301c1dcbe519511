"""Services behind the program offices' pages: search, matches, links, saved items, alerts,
feeds."""
