"""Customers and vendors in the silo UI: the same selectors, filters, services and permissions as the API."""
