"""Application services: the logic behind routes and commands, one module per concern."""
