"""tenken (点検): bilingual self-inspection of system-risk and cybersecurity management."""

__version__ = "0.1.0"
