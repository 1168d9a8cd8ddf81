"""The package's errors. The CLI turns each into one line and a non-zero exit."""


def first_line(exc: Exception, default: str = "") -> str:
    """An exception's message cut to its first line (`default` when it has none): what one line can show."""
    return str(exc).splitlines()[0] if str(exc) else default


class RagError(Exception):
    """Base class: something the user can fix, explained in one line."""


class CorpusError(RagError):
    """A corpus file or the manifest cannot be read."""


class IndexStoreError(RagError):
    """The index is missing, unreachable or was built with other settings."""


class QuestionError(RagError):
    """The question cannot be asked as given (empty, too long)."""


class BackendError(RagError):
    """An answer backend failed (connection, timeout, authentication, bad output)."""

    def __init__(self, message: str, retryable: bool = False):
        super().__init__(message)
        self.retryable = retryable


class ConfigError(RagError):
    """A setting (RAG_* environment variable) has an invalid value."""


class GoldError(RagError):
    """A gold eval file is unreadable or breaks the schema (evals/README.md)."""
