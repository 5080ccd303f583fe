"""Failed logins, sign-ups and self-checks counted per address, username and invite code, in memory
only, so guessing stops long before it could succeed (429 with a Retry-After)."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections import defaultdict, deque

from server.web.errors import TooManyAttempts
from server.web.passwords import canonical_username


class LoginThrottle:
    """Failed logins and sign-ups, in memory only (addresses as keyed hashes, never stored plain).

    Logins are counted three ways:
    - a username from one address: 5 failures in 15 minutes, then 429. Someone guessing a cadre's
      password from their own address locks only themselves out, not the cadre;
    - one address over all usernames: 50, since many cadres share a carrier's NAT address;
    - a username over all addresses: 50, against guessing spread over many addresses. Only such
      a spread attack can keep a cadre out, and only while it lasts.

    The quota self-check (/check) counts every use, not only failures, per address: 60 in the
    window, plenty for an office checking its quotas, and a bound on anyone making it work for them.

    Sign-ups with an invite code are counted two ways, every failure whatever its reason (an unknown,
    used or expired code, a taken username, a refused password):
    - one address: 50, so guessing codes stops long before it could find one (a code has 80 bits),
      while a room of new cadres behind one address can still make their mistakes;
    - one code over all addresses: 20, so a known code cannot be used to probe for usernames.
    """

    LIMITS = {
        "pair": 1,
        "address": 10,
        "user": 10,
        "signup_address": 10,
        "signup_code": 4,
        "self_check": 12,
    }  # times `limit`

    def __init__(self, secret: str, limit: int = 5, window_seconds: int = 900) -> None:
        self.secret = secret.encode()
        self.limit = limit
        self.window = window_seconds
        self.failures: dict[tuple[str, str], deque[float]] = defaultdict(deque)

    def _hash(self, text: str) -> str:
        return hmac.new(self.secret, text.encode(), hashlib.sha256).hexdigest()

    def _keys(self, username: str, address: str | None) -> list[tuple[str, str]]:
        name = canonical_username(username[:200])
        place = self._hash(address or "unknown")
        return [("pair", f"{name}:{place}"), ("address", place), ("user", name)]

    def _signup_keys(self, code: str, address: str | None) -> list[tuple[str, str]]:
        return [
            ("signup_address", self._hash(address or "unknown")),
            ("signup_code", self._hash(f"invite:{code[:64]}")),
        ]

    def _check(self, keys: list[tuple[str, str]]) -> None:
        now = time.monotonic()
        for key in keys:
            times = self.failures[key]
            while times and times[0] < now - self.window:
                times.popleft()
            if not times:
                del self.failures[key]  # an idle key costs no memory
            elif len(times) >= self.limit * self.LIMITS[key[0]]:
                raise TooManyAttempts(retry_after=int(times[0] + self.window - now) + 1)

    def _failed(self, keys: list[tuple[str, str]]) -> None:
        now = time.monotonic()
        for key in keys:
            self.failures[key].append(now)

    def check(self, username: str, address: str | None) -> None:
        self._check(self._keys(username, address))

    def failed(self, username: str, address: str | None) -> None:
        self._failed(self._keys(username, address))

    def succeeded(self, username: str, address: str | None) -> None:
        self.failures.pop(self._keys(username, address)[0], None)

    def check_signup(self, code: str, address: str | None) -> None:
        """429 when this address or this invite code has failed too often lately."""
        self._check(self._signup_keys(code, address))

    def signup_failed(self, code: str, address: str | None) -> None:
        self._failed(self._signup_keys(code, address))

    def self_check_used(self, address: str | None) -> None:
        """Count one use of the self-check from this address; 429 past the limit."""
        key = [("self_check", self._hash(f"check:{address or 'unknown'}"))]
        self._check(key)
        self._failed(key)
