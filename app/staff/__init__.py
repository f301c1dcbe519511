"""OPM staff: the catalog of work roles and pathways."""
