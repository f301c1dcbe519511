"""Agency posters' routes, one module per workflow, all on the one agency blueprint.

Importing this package registers every route on `bp`: `dashboard` (the agency's openings),
`openings` (posting and editing an opening, with coding help) and `lifecycle` (an opening's
page: its history, candidate pool, and Publish, Close, Withdraw and Delete).
"""

from app.agency.blueprint import bp
from app.agency.routes import dashboard, lifecycle, openings

__all__ = ["bp", "dashboard", "lifecycle", "openings"]
