"""Pure domain code: no Qt, no SQLAlchemy. Everything here is testable headless."""
