"""Time-ordered UUIDs (RFC 9562 version 7) for the many records one import creates.

They are as unique as version 4 (74 random bits per millisecond), but consecutive ids sort
together, so a 100k-row import appends to the primary-key and foreign-key indexes instead of
writing all over them: measurably faster imports and a smaller file. Ids stay plain UUIDs for
every other part of the app.
"""

from __future__ import annotations

import os
import threading
import time
import uuid

_lock = threading.Lock()
_last = 0


def ordered_id() -> uuid.UUID:
    global _last
    with _lock:
        ms = time.time_ns() // 1_000_000
        # Monotonic within a process even when the clock stalls or steps back.
        ms = _last = max(ms, _last)
    rand = int.from_bytes(os.urandom(10), "big")  # 80 bits; 74 are kept
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version 7
    value |= ((rand >> 64) & 0xFFF) << 64  # rand_a, 12 bits
    value |= 0b10 << 62  # RFC 9562 variant
    value |= rand & ((1 << 62) - 1)  # rand_b, 62 bits
    return uuid.UUID(int=value)
