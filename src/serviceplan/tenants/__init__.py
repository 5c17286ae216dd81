"""Tenants: the tenant inventory CSV read into typed rows."""
