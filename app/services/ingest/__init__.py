"""Getting listings in: scrapes, file ingests, samples, one run per source at a time."""
