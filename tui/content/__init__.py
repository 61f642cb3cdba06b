"""Load and validate the data folders (checklists/, training/) and user files into plain objects."""
