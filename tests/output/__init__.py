"""Writing and checking the output folder when generated files are huge (issue #10)."""
