"""The practice database: SQLAlchemy 2 models, Alembic migrations (run from Python), the repository API.

Use :class:`kbz_data.practice.db.repository.PracticeDb` for data and :mod:`kbz_data.practice.access` for what a
user may see; :func:`kbz_data.practice.db.engine.upgrade` creates or migrates the schema;
:mod:`kbz_data.practice.db.journal_import` imports the older journal store.
"""
