"""Field classes: one node of a form each (leaves, containers, choices, decisions)."""
