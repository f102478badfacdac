"""Alembic environment of the practice database; run programmatically by :func:`kbz_data.practice.db.engine.upgrade`.

The connection is passed in ``config.attributes["connection"]`` (no alembic.ini, no URL in a file).
"""

from __future__ import annotations

from alembic import context

from kbz_data.practice.db.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
