"""SQLAlchemy 2 models of the practice database (the schema of migration ``0001``).

Tables
------
``meta``            key/value rows: ``database_id`` (random, written once), ``heeft_uploads`` (``ja`` from the first
                    upload on; a database that says so but holds no upload was emptied or replaced).
``practices``       the registry: code, name, gemeente, KBZ area, KBZ start, main buurt, location, demo flag, active.
``practice_areas``  the wijken and buurten a practice mainly serves, per CBS division (indeling 2020, 2024).
``users``           e-mail (lower case, unique), name, role (praktijk | analist | beheerder), active.
``user_practices``  which practices a ``praktijk`` user is bound to.
``uploads``         one row per accepted file: who, when, file name, sha256 of the file as received, sha256 of the
                    stored figures, size, rows, practices, periods, status (``actief`` | ``ongedaan``) and an
                    optional import key (``journal:<sha256>:<time>``) for figures imported from the journal store.
                    ``id`` is the version number.
``figures``         the figures of each upload, never rewritten (upload_id, praktijk_code, periode, kengetal,
                    teller, noemer).
``undos``           one row per undo (a new event; the upload row only changes its status in the same transaction).
``audit_log``       append-only (triggers refuse UPDATE and DELETE): time, who, action (login | upload | ongedaan |
                    gebruiker | praktijk | export | migratie), subject, details (JSON text).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ROLES: tuple[str, ...] = ("praktijk", "analist", "beheerder")
ACTIONS: tuple[str, ...] = ("login", "upload", "ongedaan", "gebruiker", "praktijk", "export", "migratie")


class Base(DeclarativeBase):
    pass


class Meta(Base):
    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Practice(Base):
    __tablename__ = "practices"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    naam: Mapped[str] = mapped_column(String(200))
    gemeentecode: Mapped[str] = mapped_column(String(16))
    kbz_gebied: Mapped[str] = mapped_column(String(200))
    kbz_start: Mapped[date] = mapped_column(Date)
    hoofdbuurt: Mapped[str] = mapped_column(String(16))
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    actief: Mapped[bool] = mapped_column(Boolean, default=True)


class PracticeArea(Base):
    __tablename__ = "practice_areas"

    praktijk_code: Mapped[str] = mapped_column(ForeignKey("practices.code"), primary_key=True)
    indeling: Mapped[int] = mapped_column(Integer, primary_key=True)
    niveau: Mapped[str] = mapped_column(String(8), primary_key=True)  # wijk | buurt
    code: Mapped[str] = mapped_column(String(16), primary_key=True)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    naam: Mapped[str] = mapped_column(String(200))
    rol: Mapped[str] = mapped_column(String(16))
    actief: Mapped[bool] = mapped_column(Boolean, default=True)
    aangemaakt: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class UserPractice(Base):
    __tablename__ = "user_practices"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    praktijk_code: Mapped[str] = mapped_column(ForeignKey("practices.code"), primary_key=True)


class Upload(Base):
    __tablename__ = "uploads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tijd: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    gebruiker: Mapped[str] = mapped_column(String(320))
    namens: Mapped[str | None] = mapped_column(String(320), nullable=True)
    bestandsnaam: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    sha256_cijfers: Mapped[str] = mapped_column(String(64))
    grootte: Mapped[int] = mapped_column(BigInteger)
    rijen: Mapped[int] = mapped_column(Integer)
    praktijken: Mapped[str] = mapped_column(Text)  # comma-separated codes
    periodes: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="actief")
    importsleutel: Mapped[str | None] = mapped_column(String(200), unique=True, nullable=True)


class Figure(Base):
    __tablename__ = "figures"
    __table_args__ = (
        UniqueConstraint("upload_id", "praktijk_code", "periode", "kengetal", name="uq_figures_key"),
        Index("ix_figures_practice", "praktijk_code", "periode"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                    autoincrement=True)
    upload_id: Mapped[int] = mapped_column(ForeignKey("uploads.id"))
    praktijk_code: Mapped[str] = mapped_column(String(64))
    periode: Mapped[str] = mapped_column(String(8))
    kengetal: Mapped[str] = mapped_column(String(64))
    teller: Mapped[int] = mapped_column(BigInteger)
    noemer: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class Undo(Base):
    __tablename__ = "undos"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    upload_id: Mapped[int] = mapped_column(ForeignKey("uploads.id"), unique=True)
    tijd: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    gebruiker: Mapped[str] = mapped_column(String(320))


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                    autoincrement=True)
    tijd: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    gebruiker: Mapped[str] = mapped_column(String(320))
    actie: Mapped[str] = mapped_column(String(16))
    onderwerp: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[str] = mapped_column(Text, default="{}")
