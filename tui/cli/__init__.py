"""Command line: argument parsing, questionary prompts, and the entry point `tenken`."""
