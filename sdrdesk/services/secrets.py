"""Secrets (rep-file passphrases) live only in the OS keychain, through keyring.

When no keychain exists (a locked-down PC, a headless box) we degrade: the secret is not
remembered and the user is asked again. We never fall back to storing it in plain text.
"""

from __future__ import annotations

import contextlib
import logging

import keyring
from keyring.errors import KeyringError, NoKeyringError, PasswordDeleteError

from sdrdesk.domain.errors import KeychainUnavailable

log = logging.getLogger(__name__)

SERVICE = "sdrdesk"


class SecretStore:
    def __init__(self, service: str = SERVICE) -> None:
        self._service = service

    def available(self) -> bool:
        """False for keyring's "fail" and "null" backends (priority 0 and -1): no real keychain."""
        try:
            return float(getattr(keyring.get_keyring(), "priority", 0)) > 0
        except (TypeError, ValueError):  # a backend whose priority is computed and failed
            return False

    def get(self, name: str) -> str | None:
        """The stored secret, or None when absent or when there is no keychain."""
        try:
            return keyring.get_password(self._service, name)
        except (NoKeyringError, KeyringError) as exc:
            log.warning("keychain unavailable while reading a secret: %s", type(exc).__name__)
            return None

    def set(self, name: str, secret: str) -> None:
        """Remember `secret`; raises KeychainUnavailable (with a human message) when it cannot."""
        if not self.available():
            raise KeychainUnavailable(
                "This computer has no keychain sdrdesk can use, so the passphrase was not "
                "remembered. You will be asked for it next time."
            )
        try:
            keyring.set_password(self._service, name, secret)
        except (NoKeyringError, KeyringError) as exc:
            raise KeychainUnavailable(
                "The keychain refused to store the passphrase, so it was not remembered. "
                "You will be asked for it next time."
            ) from exc

    def delete(self, name: str) -> None:
        with contextlib.suppress(PasswordDeleteError, NoKeyringError, KeyringError):
            keyring.delete_password(self._service, name)
