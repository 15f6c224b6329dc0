"""Record identifiers: UUIDs stable across machines so rep files can merge by id."""

import uuid


def new_id() -> uuid.UUID:
    return uuid.uuid4()
