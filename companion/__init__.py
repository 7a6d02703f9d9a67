"""Interview Companion: an offline desktop aid for structured backend interviews."""

__version__ = "0.1.0"
APP_NAME = "interview-companion"


def fold_name(name: str) -> str:
    """A person's name for comparing: lower case, runs of white space made one, trimmed.

    The team store's ``companion.fold_name`` SQL function does the same on the server.
    """
    return " ".join(name.lower().split())
