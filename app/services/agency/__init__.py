"""Agency posters' openings: drafting, publishing as jobs, closing, and their candidate pools."""
