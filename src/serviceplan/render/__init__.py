"""Render: tenant inventory and compiled plans through Jinja templates into per-tenant scripts."""
