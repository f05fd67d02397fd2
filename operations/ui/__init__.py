"""The silo UI screens of operations: production and transfer orders."""
