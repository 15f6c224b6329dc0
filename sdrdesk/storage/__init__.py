"""SQLAlchemy storage: models, engine, migrations, unit of work, repositories. No Qt here."""
