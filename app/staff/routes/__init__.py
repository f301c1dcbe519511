"""OPM staff routes, one module per workflow, all on the one staff blueprint.

Importing this package registers every route on `bp`: `dashboard` (the workspace),
`catalog` (curating entries, their history and reverts), `classifications` (the review
queue), `nice` (NICE workbook uploads, diffed before they apply), `operations` (scrapes).
"""

from app.staff.blueprint import bp
from app.staff.routes import catalog, classifications, dashboard, nice, operations

__all__ = ["bp", "catalog", "classifications", "dashboard", "nice", "operations"]
