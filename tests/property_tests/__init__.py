"""The generated property tests themselves: how their rows are grouped (issue #10)."""
