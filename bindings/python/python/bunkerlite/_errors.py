"""The bunkerlite exception hierarchy: one class per error code of the core's table.

Catch ``bunkerlite.Error`` for everything, a subclass for one kind. ``NotFoundError`` is also a
``LookupError`` and ``InvalidInputError`` also a ``ValueError``, so generic handlers work.
Messages never contain personal data.
"""

from typing import Dict, Type


class Error(Exception):
    """Any bunkerlite error. ``code`` is the stable code string shared with C and Node."""

    code: str = "INTERNAL"


class InvalidInputError(Error, ValueError):
    """Malformed input: invalid JSON value, not an object, bad token, email or phone."""

    code = "INVALID_INPUT"


class InvalidTypeError(InvalidInputError, TypeError):
    """An argument of the wrong type (code ``INVALID_INPUT``): also a ``TypeError``."""

    code = "INVALID_INPUT"


class TooLargeError(Error, ValueError):
    """Input over a configured limit (size, nesting, fields, string length, batch)."""

    code = "TOO_LARGE"


class NotFoundError(Error, LookupError):
    """No subject matches the lookup."""

    code = "NOT_FOUND"


class DuplicateError(Error):
    """A unique field already belongs to another subject."""

    code = "DUPLICATE"


class ErasedError(Error, LookupError):
    """The subject was erased."""

    code = "ERASED"


class ExpiredError(Error, LookupError):
    """The token has expired: its time passed. (A single-use token, once used, is deleted and then
    NOT_FOUND, as one never made: nothing kept tells that it existed.)"""

    code = "EXPIRED"


class ExhaustedError(Error):
    """No new token fits the requested format: its space is used up."""

    code = "EXHAUSTED"


class ConsentRequiredError(Error):
    """The caller's purpose does not allow the operation on this subject (no consent in force, or the processing activity does not cover the operation)."""

    code = "CONSENT_REQUIRED"


class WrongKeyError(Error):
    """The master key does not open this vault; nothing was written."""

    code = "WRONG_KEY"


class IntegrityError(Error):
    """Stored data failed authentication (moved or edited ciphertext, broken audit chain)."""

    code = "INTEGRITY"


class KeySourceError(Error):
    """The master key could not be read from its source."""

    code = "KEY_SOURCE"


class BusyError(Error):
    """The vault stayed locked longer than the busy timeout."""

    code = "BUSY"


class StorageError(Error):
    """The storage engine failed, or the file is not a bunkerlite vault."""

    code = "STORAGE"


class ClosedError(Error):
    """The vault was closed."""

    code = "CLOSED"


class UnsupportedError(Error):
    """The vault was written by a newer bunkerlite."""

    code = "UNSUPPORTED"


class InternalError(Error):
    """A bug in bunkerlite (including a caught panic)."""

    code = "INTERNAL"


BY_CODE: Dict[str, Type[Error]] = {
    cls.code: cls
    for cls in (
        InvalidInputError,
        TooLargeError,
        NotFoundError,
        DuplicateError,
        ErasedError,
        ExpiredError,
        ExhaustedError,
        ConsentRequiredError,
        WrongKeyError,
        IntegrityError,
        KeySourceError,
        BusyError,
        StorageError,
        ClosedError,
        UnsupportedError,
        InternalError,
    )
}
