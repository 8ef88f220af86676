"""Alembic environment: uses the engine handed over by engine.migrate (or the configured URL)."""

from alembic import context
from sqlalchemy import create_engine

from engine.schema import metadata

config = context.config
target_metadata = metadata

engine = config.attributes.get("engine") or create_engine(config.get_main_option("sqlalchemy.url"))
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()
