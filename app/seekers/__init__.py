"""Job seekers: upload a resume, see matched work roles, hiring paths and jobs."""
