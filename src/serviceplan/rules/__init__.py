"""Domain rules: one module per rule family, every rule registered in `registry`;
`plan` applies them to one parsed plan. Kept empty so importing the registry stays cheap."""
