"""The team's review screens: the audit table, the reviewer's screen, safe bulk."""
