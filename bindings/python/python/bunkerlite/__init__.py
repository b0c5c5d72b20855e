"""bunkerlite: an embedded, encrypted vault for personal data with GDPR workflows built in.

>>> import bunkerlite
>>> key = bunkerlite.MasterKey.generate()
>>> with bunkerlite.Vault.open_in_memory(key) as vault:
...     token = vault.create_subject({"email": "ann@example.com"}, actor="app:signup")
...     vault.get_subject({"email": "ANN@example.com"}, actor="app:billing")["token"] == token
True
"""

from ._errors import (
    BusyError,
    ClosedError,
    DuplicateError,
    ErasedError,
    Error,
    ExhaustedError,
    ConsentRequiredError,
    ExpiredError,
    IntegrityError,
    InternalError,
    InvalidInputError,
    InvalidTypeError,
    KeySourceError,
    NotFoundError,
    StorageError,
    TooLargeError,
    UnsupportedError,
    WrongKeyError,
)
from ._native import MasterKey, Vault, __version__, error_codes

__all__ = [
    "BusyError",
    "ClosedError",
    "DuplicateError",
    "ErasedError",
    "Error",
    "ExhaustedError",
    "ConsentRequiredError",
    "ExpiredError",
    "IntegrityError",
    "InternalError",
    "InvalidInputError",
    "InvalidTypeError",
    "KeySourceError",
    "MasterKey",
    "NotFoundError",
    "StorageError",
    "TooLargeError",
    "UnsupportedError",
    "Vault",
    "WrongKeyError",
    "__version__",
    "error_codes",
]
