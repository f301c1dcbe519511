"""The reference catalog: validating the data files, loading them, exporting and importing NICE."""
