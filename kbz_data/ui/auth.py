"""Login (Streamlit's own ``st.login``, OpenID Connect) and who is looking: the Streamlit side of
:mod:`kbz_data.practice.access`.

* ``[auth]`` in ``.streamlit/secrets.toml``: the visitor logs in with the configured provider; the verified e-mail
  (``st.user.email`` with ``email_verified``) is matched to an active account in the practice database
  (:func:`kbz_data.practice.access.resolve_viewer`). An unknown or unverified e-mail gets "geen toegang" with the
  beheerder's contact (``$KBZ_BEHEERDER_CONTACT`` or ``[kbz] beheerder_contact`` in the secrets). A login is
  written to the audit log once per session.
* no ``[auth]``: local mode. On a loopback ``server.address`` the one local user is beheerder; on any other
  address (or none: all interfaces) the visitor is anonymous: demo set only, no uploads.

Roles are enforced in :mod:`kbz_data.practice.access`; this module only finds out who is looking.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import streamlit as st

from kbz_data.errors import KbzDataError
from kbz_data.practice import access
from kbz_data.practice.access import Viewer
from kbz_data.text import escape_markdown, public_message

DEFAULT_CONTACT = "de beheerder van dit dashboard"
_AUDITED = "_kbz_login_gelogd"


@dataclass(frozen=True)
class Who:
    """The outcome for a page: a viewer, or why there is none (``refused``: unknown or unverified e-mail)."""

    viewer: Viewer | None
    email: str = ""
    refused: str = ""


def _secrets_section(name: str) -> dict:
    try:
        section = st.secrets.get(name)
    except (FileNotFoundError, KeyError, OSError):
        return {}
    except Exception:  # noqa: BLE001 - a broken secrets.toml: treat as not configured, st.secrets reports it
        return {}
    return dict(section) if section else {}


def auth_configured() -> bool:
    """True when ``.streamlit/secrets.toml`` has an ``[auth]`` section (login with ``st.login``)."""
    return bool(_secrets_section("auth"))


def server_address() -> str | None:
    """Streamlit's ``server.address`` option (None: all interfaces)."""
    return st.get_option("server.address") or None


def contact() -> str:
    """How to reach the beheerder (``$KBZ_BEHEERDER_CONTACT``, ``[kbz] beheerder_contact``, or a default)."""
    return (os.environ.get("KBZ_BEHEERDER_CONTACT") or _secrets_section("kbz").get("beheerder_contact")
            or DEFAULT_CONTACT)


def _provider() -> str | None:
    auth = _secrets_section("auth")
    if "client_id" in auth:
        return None
    named = [k for k, v in auth.items() if isinstance(v, dict)]
    return named[0] if named else None


def logged_in_email() -> tuple[str | None, bool]:
    """(e-mail, verified) of the logged-in user; (None, False) when nobody is logged in."""
    try:
        if not st.user.get("is_logged_in"):
            return None, False
        email = st.user.get("email")
        return (str(email) if email else None), st.user.get("email_verified") is True
    except (AttributeError, KeyError):
        return None, False


def who(store_dir: str) -> Who:
    """Who is looking. Raises :class:`KbzDataError` only when a logged-in user's account cannot be read."""
    configured = auth_configured()
    if not configured:
        return Who(access.resolve_viewer(None, False, None, server_address()))
    email, verified = logged_in_email()
    if email is None:
        return Who(Viewer.anonymous())
    if not verified:
        return Who(None, email, "Uw e-mailadres is bij de inlogdienst niet bevestigd.")
    from kbz_data.ui import cached

    db = cached.practice_db(store_dir)
    viewer = access.resolve_viewer(db, True, email, server_address())
    if viewer is None:
        return Who(None, email, "Er is geen account met dit e-mailadres.")
    if st.session_state.get(_AUDITED) != email:
        _audit_login(db, viewer)
        st.session_state[_AUDITED] = email
    return Who(viewer, email)


def practice_codes(store_dir: str) -> list[str]:
    """The practice codes a link may carry (``?praktijk=...``): those of the registry this visitor's figures come
    from (the database's once logged in or in local mode, the built-in demo set otherwise). Whether the visitor may
    see a practice is checked by the page (:func:`kbz_data.practice.access.check_own`)."""
    from kbz_data.practice import registry
    from kbz_data.ui import cached

    try:
        viewer = who(store_dir).viewer
        if viewer is None or viewer.rol == access.ANONIEM:
            return registry.codes()
        codes = cached.practice_registry(store_dir, cached.praktijk_state(store_dir, viewer.rol)).codes()
    except KbzDataError:
        return registry.codes()
    return codes or registry.codes()


def _login_key() -> str:
    """What tells one login from the next: the ID token's issue time (``iat``), kept in the login cookie, so a
    page reload (a new Streamlit session) is not a new login."""
    try:
        return str(st.user.get("iat") or st.user.get("auth_time") or st.user.get("nonce") or "")
    except (AttributeError, KeyError):
        return ""


def _audit_login(db, viewer: Viewer) -> None:  # noqa: ANN001 - PracticeDb
    """Write "login" to the audit log once per login (not per page load)."""
    key = _login_key()
    if key:
        recent = db.audit_log(200)
        mine = recent[(recent["actie"] == "login") & (recent["gebruiker"] == viewer.who)]
        if any(f'"sessie": "{key}"' in d for d in mine["details"]):
            return
    db.audit(viewer.who, "login", viewer.who, {"rol": viewer.rol, "sessie": key})


def sidebar(store_dir: str) -> Who | None:
    """Log-in state in the sidebar of every page: "Inloggen" / "Uitloggen", or the local-mode banner."""
    configured = auth_configured()
    try:
        current = who(store_dir)
    except KbzDataError as exc:
        st.sidebar.error(f"Inloggen lukt nu niet: {public_message(exc)}")
        if configured and st.sidebar.button("Uitloggen", key="auth_uitloggen"):
            st.logout()
        return None
    if not configured:
        if current.viewer is not None and current.viewer.lokaal:
            st.sidebar.info("**Lokale modus** (geen inlog ingesteld): u bent de lokale beheerder. Dit kan alleen omdat"
                            " de server alleen op dit apparaat bereikbaar is.", icon=":material/computer:")
        else:
            st.sidebar.warning("**Geen inlog ingesteld** en de server is van buitenaf bereikbaar: de praktijkpagina's"
                               " tonen alleen fictieve demodata en uploaden kan niet.", icon=":material/lock:")
        return current
    if current.viewer is not None and current.viewer.rol == access.ANONIEM:
        st.sidebar.button("Inloggen", key="auth_inloggen", type="primary", on_click=_login)
        st.sidebar.caption("Niet ingelogd: de praktijkpagina's tonen fictieve demodata.")
        return current
    shown = current.viewer.naam or current.viewer.email if current.viewer else current.email
    role = current.viewer.rol if current.viewer else "geen toegang"
    st.sidebar.caption(f"Ingelogd als {escape_markdown(shown)} ({role}).")
    st.sidebar.button("Uitloggen", key="auth_uitloggen", on_click=_logout)
    return current


def _login() -> None:
    provider = _provider()
    st.login(provider) if provider else st.login()


def _logout() -> None:
    st.session_state.pop(_AUDITED, None)
    st.logout()


def require(store_dir: str) -> Viewer:
    """The viewer for a practice page; shows "geen toegang" (with the contact) or a Dutch error and stops the page
    when there is none."""
    try:
        current = who(store_dir)
    except KbzDataError as exc:
        st.error(f"De praktijkdatabase is niet bruikbaar: {public_message(exc)}")
        st.stop()
    if current.viewer is None:
        st.error(f"**Geen toegang.** {current.refused} U bent ingelogd als {escape_markdown(current.email)}. Vraag"
                 f" toegang aan bij {contact()}.")
        st.stop()
    if not auth_configured():
        if current.viewer.lokaal:
            st.info("Lokale modus: er is geen inlog ingesteld en de server is alleen op dit apparaat bereikbaar;"
                    " u werkt als lokale beheerder.", icon=":material/computer:")
        else:
            st.warning("Er is geen inlog ingesteld en de server is van buitenaf bereikbaar: deze pagina toont alleen"
                       " de fictieve demodata en uploaden kan niet. Stel inloggen in (README, 'Inloggen').",
                       icon=":material/lock:")
    return current.viewer


def export_audit(store_dir: str, viewer: Viewer, what: str):  # noqa: ANN201 - Callable[[str], None] | None
    """For :mod:`kbz_data.ui.downloads`: writes "export" to the audit log on every download of practice figures
    (None for the demo set of a visitor who is not logged in: no database, no practice figures)."""
    if viewer.rol == access.ANONIEM:
        return None
    from kbz_data.ui import cached

    db = cached.practice_db(store_dir)

    def audit(kind: str) -> None:
        db.audit(viewer.who, "export", what, {"formaat": kind})

    return audit
