"""bunkerlite: an embedded, encrypted vault for personal data with GDPR workflows built in.

>>> import bunkerlite
>>> key = bunkerlite.MasterKey.generate()
>>> with bunkerlite.Vault.open_in_memory(key) as vault:
...     token = vault.create_subject({"email": "ann@example.com"}, actor="app:signup")
...     vault.get_subject({"email": "ANN@example.com"}, actor="app:billing")["token"] == token
True
"""

from ._errors import *  # noqa: F403 — the generated hierarchy, every name in its __all__
from ._errors import __all__ as _error_names
from ._native import MasterKey, Vault, __version__, error_codes

__all__ = [*_error_names, "MasterKey", "Vault", "__version__", "error_codes"]
