"""Pure domain logic: corpus, references, profiles, scoping, inspections, reports. No Textual, no peewee."""
