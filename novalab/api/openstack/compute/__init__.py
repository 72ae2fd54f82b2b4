"""Compute API resources: controllers, their schemas and their views."""
