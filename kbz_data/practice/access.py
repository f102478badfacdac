"""Roles: what each user may see and do with practice figures, enforced here and not by hiding widgets.

Every function that returns practice figures takes a :class:`Viewer` and returns only what that role may see,
already anonymised and suppressed; a code passed as "mijn praktijk" that the viewer may not use raises
:class:`kbz_data.practice.errors.KbzAccessError` (so ``?praktijk=OTHER`` in a URL gets nothing).

======================  ====================  ==========================  ===========================  ===========
                        anoniem               praktijk (bound practices)  analist                      beheerder
======================  ====================  ==========================  ===========================  ===========
figures                 demo set only         current figures             current figures              current
"mijn praktijk"         any demo practice     only a bound practice       none                         any
named and in full       the chosen one        every bound practice        none                         all
others                  anonymised, <10       anonymised, <10             all anonymised, <10          -
upload / undo           no                    own practices only          no                           any (logged)
history                 none                  uploads of own practices    none                         all
======================  ====================  ==========================  ===========================  ===========

Suppression is :mod:`kbz_data.practice.analysis`'s rule (counts below 10 of other practices shown as ``<10``, a
rate with such a teller or noemer not shown). On top of it, so nothing can be subtracted around it:

* the mean over practices is taken only over the values the viewer can see (own, named and unsuppressed ones):
  a mean over all would give away the sum of the suppressed values (own value 7, mean 0,6 over 12 -> the other
  eleven are about 0); its ``noemer_tekst`` says how many practices it covers;
* the funnel plot's pooled rate and control limits are computed without the practices whose count is suppressed,
  for the same reason; and a practice's yearly referral count is suppressed as well when one of its quarters is
  below 10 (the other quarters are shown on the Praktijk page, so the year would give the small one away).

Letters ("Praktijk A", "B", ...): a fresh random order (:class:`Lettering`, drawn from :mod:`secrets`) per view.
A page creates one lettering per rerun and passes it to every call that draws the same view, so a chart and its
table agree; another page, or the next rerun, gets other letters, so a letter cannot be carried from one page to
another and is not derivable from the public codes (the old documented hash of the code is no longer used for
what a viewer sees).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from kbz_data.practice import analysis, demo, registry, upload_store
from kbz_data.practice.db.repository import PracticeDb, refuse_foreign_practices
from kbz_data.practice.errors import KbzAccessError
from kbz_data.practice.upload_checks import ValidatedUpload
from kbz_data.text import plural

ANONIEM = "anoniem"
PRAKTIJK = "praktijk"
ANALIST = "analist"
BEHEERDER = "beheerder"
ROLES = (ANONIEM, PRAKTIJK, ANALIST, BEHEERDER)
#: Leading characters that make a spreadsheet treat a cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Viewer:
    """Who looks: a role, an identity and the practices a ``praktijk`` user is bound to."""

    rol: str
    email: str = ""
    naam: str = ""
    praktijken: frozenset[str] = field(default_factory=frozenset)
    lokaal: bool = False

    def __post_init__(self) -> None:
        if self.rol not in ROLES:
            raise ValueError(f"onbekende rol {self.rol!r}")

    @classmethod
    def anonymous(cls) -> Viewer:
        """Not logged in (or local mode on a non-loopback address): the demo set only."""
        return cls(ANONIEM)

    @classmethod
    def local(cls) -> Viewer:
        """The one local user when the server listens on a loopback address without ``[auth]``: beheerder."""
        return cls(BEHEERDER, email="lokaal", naam="Lokale gebruiker", lokaal=True)

    @classmethod
    def from_account(cls, account: dict[str, Any]) -> Viewer:
        """From :meth:`kbz_data.practice.db.repository.PracticeDb.user`."""
        return cls(account["rol"], email=account["email"], naam=account["naam"],
                   praktijken=frozenset(account["praktijken"]) if account["rol"] == PRAKTIJK else frozenset())

    @property
    def who(self) -> str:
        """The name written to the audit log and the upload rows."""
        return self.email or self.rol

    @property
    def may_upload(self) -> bool:
        return self.rol in (PRAKTIJK, BEHEERDER)

    @property
    def may_manage(self) -> bool:
        """The Beheer page (users, practices, audit log)."""
        return self.rol == BEHEERDER

    def full_codes(self, codes: Iterable[str], own: str | None) -> set[str]:
        """Of ``codes``, the practices this viewer sees named and unsuppressed."""
        codes = set(codes)
        if self.rol == BEHEERDER:
            return codes
        if self.rol == PRAKTIJK:
            return codes & self.praktijken
        if self.rol == ANONIEM and own:
            return codes & {own}
        return set()


LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")


def is_loopback(address: str | None) -> bool:
    """True for an address only this machine can reach (``server.address`` of Streamlit; unset means all
    interfaces, so False)."""
    if not address:
        return False
    import ipaddress

    if address in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False


def resolve_viewer(db: PracticeDb | None, auth_configured: bool, logged_in_email: str | None,
                   server_address: str | None) -> Viewer | None:
    """Who is looking, for the pages.

    * ``[auth]`` configured: not logged in -> anonymous; logged in -> the active account with that verified e-mail,
      or None for an unknown e-mail (the page shows "geen toegang" with the beheerder's contact); a login is
      written to the audit log by the page, once per session (:meth:`PracticeDb.audit`).
    * no ``[auth]``: the local beheerder only when the server listens on a loopback address; otherwise anonymous
      (demo set only, no uploads).
    """
    if not auth_configured:
        return Viewer.local() if is_loopback(server_address) else Viewer.anonymous()
    if not logged_in_email:
        return Viewer.anonymous()
    if db is None:
        return None
    account = db.user(logged_in_email)
    return None if account is None else Viewer.from_account(account)


class Lettering:
    """A random order of letters for the anonymised practices of one view (see the module docstring)."""

    def __init__(self, seed: int | None = None) -> None:
        self._seed = secrets.randbits(64) if seed is None else seed

    def labels(self, codes: Iterable[str]) -> dict[str, str]:
        """Code -> "Praktijk A", "Praktijk B", ... in an order drawn for this view (not from the codes)."""
        order = sorted(set(codes))
        np.random.default_rng(self._seed).shuffle(order)
        return {c: f"Praktijk {chr(ord('A') + i)}" if i < 26 else f"Praktijk {i + 1}" for i, c in enumerate(order)}


def _refuse(message: str) -> KbzAccessError:
    return KbzAccessError(message)


def registry_for(db: PracticeDb | None, viewer: Viewer) -> registry.Registry:
    """The practices this viewer's figures come from: the database's (the source of truth wherever a database is in
    use, so a practice added on Beheer counts everywhere), or the built-in demo set for a visitor who sees only the
    demo set (or without a database)."""
    if viewer.rol == ANONIEM or db is None:
        return registry.BUILTIN
    return db.registry()


def choosable(viewer: Viewer, db: PracticeDb | None = None, reg: registry.Registry | None = None) -> list[str]:
    """The practices this viewer may pick as "mijn praktijk" (sorted; only practices of the registry in use)."""
    if viewer.rol == ANALIST:
        return []
    reg = reg if reg is not None else registry_for(db, viewer)
    if viewer.rol == PRAKTIJK:
        return sorted(c for c in viewer.praktijken if c in reg)
    return reg.codes()


def check_own(viewer: Viewer, own: str | None) -> str | None:
    """``own`` when this viewer may use it as "mijn praktijk" (None stays None); else :class:`KbzAccessError`."""
    if own is None or own == "":
        return None
    if viewer.rol == ANALIST:
        raise _refuse("Als analist ziet u alle praktijken geanonimiseerd; u kunt geen eigen praktijk kiezen.")
    if viewer.rol == PRAKTIJK and own not in viewer.praktijken:
        raise _refuse(f"U hebt geen toegang tot de cijfers van praktijk {own}; u kunt alleen uw eigen praktijk"
                      f"{'en' if len(viewer.praktijken) > 1 else ''} kiezen.")
    if viewer.rol == ANONIEM and own not in registry.BUILTIN:
        raise _refuse(f"Onbekende praktijk {own}.")
    return own


def _figures(db: PracticeDb | None, viewer: Viewer, demo_dir=demo.DEMO_DIR) -> pd.DataFrame:  # noqa: ANN001
    """Internal: the raw figures the views start from (demo only for anonymous). Never hand this to a page."""
    if viewer.rol == ANONIEM or db is None:
        return demo.read(demo_dir).assign(herkomst="demo", versie=0)
    return db.current_figures(demo_dir)


def _relabel(frame: pd.DataFrame, codes: pd.Series, own: str | None, full: set[str],
             lettering: Lettering, reg: registry.Registry) -> pd.DataFrame:
    anonymised = sorted({c for c in codes if isinstance(c, str) and c != own and c not in full})
    letters = lettering.labels(anonymised)
    frame = frame.copy()
    frame["praktijk"] = [
        label if not isinstance(c, str) else (reg.name(c) if (c == own or c in full) else letters[c])
        for c, label in zip(codes, frame["praktijk"], strict=True)]
    return frame


def _with_codes(frame: pd.DataFrame, own: str | None, all_codes: list[str]) -> pd.Series:
    labels = analysis.anonymous_labels(own or "", all_codes)
    back = {label: code for code, label in labels.items()}
    return frame["praktijk"].map(back).astype(object).where(frame["rol"] != "gemiddelde", None)


def _visible_mean(rows: pd.DataFrame) -> pd.DataFrame:
    shown = rows[rows["waarde"].notna()]
    total = rows.groupby("periode").size()
    mean = shown.groupby("periode").agg(waarde=("waarde", "mean"), fictief=("fictief", "any"),
                                        n=("waarde", "size")).reset_index()
    notes = [plural(int(n), "praktijk", "praktijken") + ("" if n == total.get(p, n) else " (zonder '<10')")
             for p, n in zip(mean["periode"], mean["n"], strict=True)]
    return pd.DataFrame({
        "praktijk": analysis.MEAN_LABEL, "rol": "gemiddelde", "periode": mean["periode"], "waarde": mean["waarde"],
        "weergave": [analysis._fmt(v, 1) for v in mean["waarde"]], "teller_tekst": "", "noemer_tekst": notes,
        "onderdrukt": False, "fictief": mean["fictief"], "code": None,
    })


def measure_view(db: PracticeDb | None, viewer: Viewer, measure_id: str, own: str | None = None,
                 lettering: Lettering | None = None, demo_dir=demo.DEMO_DIR) -> pd.DataFrame:  # noqa: ANN001
    """:func:`kbz_data.practice.analysis.measure_frame` as this viewer may see it.

    Same columns (praktijk, rol, periode, datum, waarde, weergave, teller_tekst, noemer_tekst, onderdrukt,
    fictief); rol ``eigen`` for ``own``, ``ander`` for every other practice (named and in full when the viewer
    may see it so, else anonymised with ``lettering`` and suppressed), ``gemiddelde`` for the mean over the
    visible values.

    Raises
    ------
    KbzAccessError
        ``own`` is not a practice this viewer may choose.
    """
    own = check_own(viewer, own)
    figures = _figures(db, viewer, demo_dir)
    return _measure_rows(figures, analysis.wide(figures), registry_for(db, viewer), viewer, measure_id, own,
                         lettering or Lettering())


def _measure_rows(figures: pd.DataFrame, wide: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame],
                  reg: registry.Registry, viewer: Viewer, measure_id: str, own: str | None,
                  lettering: Lettering) -> pd.DataFrame:
    """:func:`measure_view` on figures already read (``own`` checked): one measure frame, the practices this viewer
    sees in full left unsuppressed in it."""
    all_codes = sorted(set(figures["praktijk_code"]))
    full = viewer.full_codes(all_codes, own)
    base = analysis.measure_frame(figures, own or "", measure_id, full=full - {own}, wide_figures=wide)
    base = base.assign(code=_with_codes(base, own, all_codes))
    rows = base[base["rol"] != "gemiddelde"]
    out = pd.concat([rows, _visible_mean(rows)], ignore_index=True)
    out["datum"] = pd.to_datetime(out["periode"].map(lambda p: analysis.period_start(p)))
    out = _relabel(out, out["code"], own, full, lettering, reg)
    order = {"eigen": 0, "gemiddelde": 1, "ander": 2}
    out = out.assign(_o=out["rol"].map(order)).sort_values(["_o", "praktijk", "periode"]).drop(columns=["_o", "code"])
    return out[["praktijk", "rol", "periode", "waarde", "weergave", "teller_tekst", "noemer_tekst", "onderdrukt",
                "fictief", "datum"]].reset_index(drop=True)


def latest_summary_view(db: PracticeDb | None, viewer: Viewer, own: str,
                        demo_dir=demo.DEMO_DIR) -> pd.DataFrame:  # noqa: ANN001
    """:func:`kbz_data.practice.analysis.latest_summary` for a practice this viewer may choose (visible mean)."""
    own = check_own(viewer, own)
    if own is None:
        raise _refuse("Kies eerst een praktijk.")
    lettering = Lettering()
    figures = _figures(db, viewer, demo_dir)  # read and pivoted once for every measure
    wide, reg = analysis.wide(figures), registry_for(db, viewer)
    return analysis.summary_of(lambda measure_id: _measure_rows(figures, wide, reg, viewer, measure_id, own,
                                                                lettering))


def funnel_view(db: PracticeDb | None, viewer: Viewer, kengetal: str, jaar: int, own: str | None = None,
                lettering: Lettering | None = None,
                demo_dir=demo.DEMO_DIR) -> tuple[pd.DataFrame, pd.DataFrame, float]:  # noqa: ANN001
    """:func:`kbz_data.practice.analysis.funnel` as this viewer may see it.

    The pooled rate and the limits leave out the practices whose referral count is suppressed for this viewer.
    """
    own = check_own(viewer, own)
    lettering = lettering or Lettering()
    figures = _figures(db, viewer, demo_dir)
    all_codes = sorted(set(figures["praktijk_code"]))
    full = viewer.full_codes(all_codes, own)
    first, _limits, _target = analysis.funnel(figures, own or "", kengetal, jaar)
    if first.empty:
        return first, _limits, _target
    first = first.assign(code=_with_codes(first, own, all_codes))
    # A yearly count is hidden too when one of its quarters is below 10: the quarters shown elsewhere (measure
    # charts) would otherwise give the small one away by subtraction.
    year = figures[figures["kengetal"].isin([kengetal, "ingeschreven_patienten"])
                   & figures["periode"].str.startswith(str(jaar))]
    small_quarter = set(year.loc[year["teller"] < analysis.SUPPRESS_BELOW, "praktijk_code"])
    hidden_mask = (first["rol"] == "ander") & ~first["code"].isin(full) & (
        first["onderdrukt"] | first["code"].isin(small_quarter))
    hidden = first[hidden_mask].assign(
        verwijzingen_tekst=analysis.SUPPRESSED, waarde=np.nan, weergave=analysis.SUPPRESSED, onderdrukt=True,
        positie="onderdrukt")
    rest = figures[~figures["praktijk_code"].isin(set(hidden["code"]))]
    points, limits, target = analysis.funnel(rest, own or "", kengetal, jaar, full=full - {own})
    if not points.empty:
        points = points.assign(code=_with_codes(points, own, sorted(set(rest["praktijk_code"]))))
    out = pd.concat([points, hidden], ignore_index=True) if len(hidden) else points
    out = _relabel(out, out["code"], own, full, lettering, registry_for(db, viewer)).drop(columns="code")
    return out.reset_index(drop=True), limits, target


def own_figures_view(db: PracticeDb | None, viewer: Viewer, own: str,
                     demo_dir=demo.DEMO_DIR) -> pd.DataFrame:  # noqa: ANN001
    """:func:`kbz_data.practice.analysis.own_figures` for a practice this viewer may choose."""
    own = check_own(viewer, own)
    if own is None:
        raise _refuse("Kies eerst een praktijk.")
    return analysis.own_figures(_figures(db, viewer, demo_dir), own)


# -- uploads -------------------------------------------------------------------------------------------------


def _upload_scope(viewer: Viewer) -> frozenset[str] | None:
    if not viewer.may_upload:
        raise _refuse("Uploaden kan alleen een praktijk (voor de eigen praktijk) of de beheerder."
                      if viewer.rol != ANONIEM else "Log in om cijfers te uploaden.")
    return None if viewer.rol == BEHEERDER else viewer.praktijken


def preview_view(db: PracticeDb, viewer: Viewer, upload: ValidatedUpload) -> pd.DataFrame:
    """:func:`kbz_data.practice.upload_store.preview`, comparing only with the figures of practices in the file
    that this viewer may upload for (refused otherwise)."""
    allowed = _upload_scope(viewer)
    if allowed is not None:
        refuse_foreign_practices(upload, allowed)
    current = db.current_figures()
    current = current[current["praktijk_code"].isin(set(upload.figures["praktijk_code"]))]
    return upload_store.preview(current, upload)


def commit_for(db: PracticeDb, viewer: Viewer, data: bytes, filename: str, today: date | None = None,
               namens: str | None = None) -> dict[str, Any]:
    """Store an upload for this viewer (praktijk: own practices only; beheerder: any, ``namens`` logged)."""
    allowed = _upload_scope(viewer)
    return db.commit(data, filename, user=viewer.who, today=today, namens=namens if allowed is None else None,
                     allowed=allowed)


def undo_for(db: PracticeDb, viewer: Viewer, versie: int | None = None) -> dict[str, Any]:
    """Undo: a praktijk user the latest upload of only their own practices; a beheerder any given upload."""
    allowed = _upload_scope(viewer)
    if allowed is None:
        return db.undo(versie, viewer.who) if versie is not None else db.undo_last(viewer.who)
    if versie is not None:
        row = db.history().query("versie == @versie")
        if row.empty or not set(row["praktijken"].iloc[0].split(", ")) <= allowed:
            raise _refuse("U kunt alleen uploads van uw eigen praktijk ongedaan maken.")
        return db.undo(versie, viewer.who)
    return db.undo_last(viewer.who, among=allowed)


def spreadsheet_safe(value: Any) -> Any:
    """Text that came from a user, neutralised for spreadsheets: a leading ``= + - @``, tab or CR gets a ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def history_for(db: PracticeDb, viewer: Viewer) -> pd.DataFrame:
    """The upload history this viewer may see (praktijk: uploads of own practices only; beheerder: all; others:
    none), file names neutralised for spreadsheets."""
    table = db.history()
    if viewer.rol == PRAKTIJK:
        mask = np.array([set(p.split(", ")) <= viewer.praktijken for p in table["praktijken"]], dtype=bool)
        table = table.loc[mask]  # a boolean array: an empty list would select no columns instead of no rows
    elif viewer.rol != BEHEERDER:
        table = table.iloc[0:0]
    return table.assign(bestandsnaam=table["bestandsnaam"].map(spreadsheet_safe)).reset_index(drop=True)


def history_table_for(db: PracticeDb, viewer: Viewer) -> pd.DataFrame:
    """:func:`history_for` as shown on the upload page: the sha256 cut to its first 16 characters (use
    :func:`kbz_data.practice.upload_store.can_undo` on it for the undo button)."""
    table = history_for(db, viewer)
    return table.assign(sha256=table["sha256"].str[:16])


def safe_table(table: pd.DataFrame) -> pd.DataFrame:
    """Every text cell of ``table`` through :func:`spreadsheet_safe`: for tables shown on screen, whose own download
    (the table toolbar of Streamlit) writes the cells as they are."""
    out = table.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            # A plain check of the values first: pandas' map over every column of every table on every rerun is
            # what costs; a column is rewritten only when one of its cells may start a formula.
            values = out[column].tolist()
            if any(isinstance(v, str) and v.startswith(FORMULA_START) for v in values):
                out[column] = pd.Series([spreadsheet_safe(v) for v in values], index=out.index, dtype=object)
    return out


def manage(viewer: Viewer) -> None:
    """Raise :class:`KbzAccessError` unless this viewer may use the Beheer functions (users, practices, audit)."""
    if not viewer.may_manage:
        raise _refuse("Alleen de beheerder kan gebruikers, praktijken en het auditlogboek beheren.")
