"""Interview Companion: an offline desktop aid for structured backend interviews."""

__version__ = "0.1.0"
APP_NAME = "interview-companion"
