"""Use cases over domain and storage. No Qt. Services return plain dataclasses."""
