"""OPM staff routes, one module per workflow, all on the one staff blueprint.

Importing this package registers every route on `bp`: `dashboard` (the workspace),
`catalog` (curating entries, their history and reverts), `classifications` (the review
queue), `nice` (NICE workbook uploads, diffed before they apply), `operations` (scrapes),
`api_keys` (keys for partners of the public API).
"""

from app.staff.blueprint import bp
from app.staff.routes import api_keys, catalog, classifications, dashboard, nice, operations

__all__ = ["api_keys", "bp", "catalog", "classifications", "dashboard", "nice", "operations"]
