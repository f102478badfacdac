"""Practice figures of the KBZ practices: schema, registry, demo generator, upload validation, durable store,
derived rates and figures.

Practice figures are not public. The dashboard ships a fictitious demo set (:mod:`.demo`, written to
``data/demo/``) and lets a practice manager upload the practice's own aggregated figures (:mod:`.validate`,
:mod:`.upload_store`). Current figures = demo set overlaid by the accepted uploads in order; every figure carries
its origin (``herkomst``: ``demo`` or ``upload``), so pages and exports know when to say "fictief".

Uploads, users, the registry and the audit log live in a database (:mod:`.db`: SQLite by default, PostgreSQL via
``KBZ_DATABASE_URL``); :mod:`.access` decides per user what is shown (pages go through it, never read the
database directly). :mod:`.upload_store` is the older journal store, imported with
``python -m kbz_data practice migrate``.
"""
