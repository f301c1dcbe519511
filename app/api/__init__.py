"""The public, read-only JSON API at /api/v1 (flask-smorest), with its OpenAPI 3.1 document.

`register.register_api` mounts it; `blueprint.bp` carries the views of `routes/`;
`schemas` reads query strings and shapes answers; `docs` draws the documentation page.
"""
