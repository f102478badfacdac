"""The first schema: registry, users, uploads with their figures, undos, audit log, meta.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table("meta", sa.Column("key", sa.String(64), primary_key=True),
                    sa.Column("value", sa.Text(), nullable=False))
    op.create_table(
        "practices",
        sa.Column("code", sa.String(64), primary_key=True), sa.Column("naam", sa.String(200), nullable=False),
        sa.Column("gemeentecode", sa.String(16), nullable=False),
        sa.Column("kbz_gebied", sa.String(200), nullable=False), sa.Column("kbz_start", sa.Date(), nullable=False),
        sa.Column("hoofdbuurt", sa.String(16), nullable=False), sa.Column("lon", sa.Float()),
        sa.Column("lat", sa.Float()), sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("actief", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "practice_areas",
        sa.Column("praktijk_code", sa.String(64), sa.ForeignKey("practices.code"), primary_key=True),
        sa.Column("indeling", sa.Integer(), primary_key=True), sa.Column("niveau", sa.String(8), primary_key=True),
        sa.Column("code", sa.String(16), primary_key=True),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("email", sa.String(320), nullable=False, unique=True),
        sa.Column("naam", sa.String(200), nullable=False), sa.Column("rol", sa.String(16), nullable=False),
        sa.Column("actief", sa.Boolean(), nullable=False), sa.Column("aangemaakt", TZ, nullable=False),
        sa.CheckConstraint("rol in ('praktijk', 'analist', 'beheerder')", name="ck_users_rol"),
    )
    op.create_table(
        "user_practices",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("praktijk_code", sa.String(64), sa.ForeignKey("practices.code"), primary_key=True),
    )
    op.create_table(
        "uploads",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("tijd", TZ, nullable=False), sa.Column("gebruiker", sa.String(320), nullable=False),
        sa.Column("namens", sa.String(320)), sa.Column("bestandsnaam", sa.String(500), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False), sa.Column("sha256_cijfers", sa.String(64), nullable=False),
        sa.Column("grootte", sa.BigInteger(), nullable=False), sa.Column("rijen", sa.Integer(), nullable=False),
        sa.Column("praktijken", sa.Text(), nullable=False), sa.Column("periodes", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("importsleutel", sa.String(200), unique=True),
        sa.CheckConstraint("status in ('actief', 'ongedaan')", name="ck_uploads_status"),
    )
    op.create_table(
        "figures",
        sa.Column("id", BIGINT, primary_key=True, autoincrement=True),
        sa.Column("upload_id", sa.Integer(), sa.ForeignKey("uploads.id"), nullable=False),
        sa.Column("praktijk_code", sa.String(64), nullable=False), sa.Column("periode", sa.String(8), nullable=False),
        sa.Column("kengetal", sa.String(64), nullable=False), sa.Column("teller", sa.BigInteger(), nullable=False),
        sa.Column("noemer", sa.BigInteger()),
        sa.UniqueConstraint("upload_id", "praktijk_code", "periode", "kengetal", name="uq_figures_key"),
    )
    op.create_index("ix_figures_practice", "figures", ["praktijk_code", "periode"])
    op.create_table(
        "undos",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("upload_id", sa.Integer(), sa.ForeignKey("uploads.id"), nullable=False, unique=True),
        sa.Column("tijd", TZ, nullable=False), sa.Column("gebruiker", sa.String(320), nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", BIGINT, primary_key=True, autoincrement=True),
        sa.Column("tijd", TZ, nullable=False), sa.Column("gebruiker", sa.String(320), nullable=False),
        sa.Column("actie", sa.String(16), nullable=False), sa.Column("onderwerp", sa.Text(), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
    )
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log"
                       " BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END")
    else:
        op.execute("CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS"
                   " $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$")
        op.execute("CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log"
                   " FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    for table in ("audit_log", "undos", "figures", "uploads", "user_practices", "users", "practice_areas",
                  "practices", "meta"):
        op.drop_table(table)
