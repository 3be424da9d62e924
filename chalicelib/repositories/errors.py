"""What a repository says when DynamoDB refused a conditional write; the service chooses the French
message (and the HTTP status, through chalicelib/errors.py)."""


class StaleVersion(Exception):
    """The stored item is no longer at the version the caller read (or no longer exists)."""


class EmailTaken(Exception):
    """The address already belongs to an account."""
