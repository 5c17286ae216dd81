"""Plan: a service plan file parsed and checked against its schema."""
