"""Services behind the job seekers' pages: matches, job browsing, the job index, retention."""
