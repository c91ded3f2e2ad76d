"""One exception hierarchy for the core; the CLI maps it to exit codes, the web app to HTTP statuses."""

from __future__ import annotations

from pathlib import Path


class KommunmalError(Exception):
    """Base class; `exit_code` is what the command line returns."""

    exit_code = 2


class SourceError(KommunmalError):
    """A source file cannot be read or parsed."""

    def __init__(self, path: Path | str, message: str, line: int | None = None) -> None:
        self.path = Path(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line else str(self.path)
        super().__init__(f"{where}: {message}")

    def __reduce__(self) -> tuple:
        # Raised in a build worker, the error crosses to the main process pickled, by its own arguments.
        return (type(self), (self.path, self.message, self.line))


class NotConformant(KommunmalError):
    """The data does not conform to the SHACL shapes; nothing was published."""

    exit_code = 1


class NotFound(KommunmalError):
    """No such resource, release or file."""


class Unreachable(KommunmalError):
    """A remote service (Kolada, a SPARQL endpoint) could not be reached."""


class Busy(KommunmalError):
    """Another process is doing the same work now (a build into the same release folder)."""
