"""The API's views: the catalog, the listings and the documentation page."""
