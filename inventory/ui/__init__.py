"""Facilities, transfer lanes, items, cutting patterns and stock in the silo UI: the API's selectors, filters,
services and permissions."""
