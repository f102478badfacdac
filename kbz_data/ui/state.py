"""The page-state helper: every view parameter declared once, with its type, default, allowed values, bounds, widget
key and URL key; URL, session state and widgets kept in step on every rerun.

How it works (:func:`sync`, called by app.py once per rerun before the page runs):

* The URL is read when it changed from outside (first open, a shared link, Back/Forward, a page switch): the
  query string differs from the one this helper wrote last. Otherwise the widgets drive the values.
* A value comes from, in this order: the URL (when it changed from outside and holds the key, non-empty), the
  widget of the page (its key in session state), the value remembered from an earlier page, the default.
* Back and Forward (a run Streamlit marks as history navigation) show exactly the view of that history entry: a key
  the entry's URL leaves out has its default value there (the URL only leaves out defaults), not the value chosen
  since. One history entry per user action: kbz_data.ui.widgets.HISTORY_JS.
* Every value is parsed (ASCII digits only, bounded lengths and values) and checked against its allowed values,
  which may be static or computed from the store / practice registry and from parameters resolved before it.
  A bad value from the link is replaced (by the remembered value or the default) and reported in
  :func:`replacements`, cut to 60 characters and escaped for Markdown; a bad value never reaches a page.
* Values live on in ``_kbz_values`` while a page that does not draw their widget is open (Streamlit drops the
  state of widgets that are not drawn), so a parameter keeps its value for the next page that uses it.
* The URL then holds exactly the parameters of the page (others, unknown ones included, are dropped).

Pages read values with :func:`value`, draw widgets with ``key=param(name).key`` (never passing ``value=`` or
``index=``), and change a value in code only with :func:`set_value` (before its widget is drawn in that run).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from kbz_data.config import GEMEENTEN
from kbz_data.errors import KbzDataError
from kbz_data.text import escape_markdown, fmt_number

#: Session keys of the helper itself.
_VALUES = "_kbz_values"  # {param name: value}, remembered across pages
_URL = "_kbz_url"  # {url key: [values]} as this helper last wrote it
_REPLACED = "_kbz_replaced"  # [Replacement] of the current run
_FROM_LINK = "_kbz_state_from_link"
_PAGE = "_kbz_page"  # url_path of the current run
_PENDING = "_kbz_pending"  # {url key: [values]} from a link, for a page that uses them later

#: Longest text echoed back to the user from a link.
ECHO_LENGTH = 60
#: Longest raw URL value looked at (anything longer is refused without further parsing).
MAX_RAW_LENGTH = 2_000
_DIGITS = re.compile(r"[0-9]+")
_CODE = re.compile(r"[A-Z0-9]{2,20}")
_TRUE, _FALSE = ("1", "ja", "true", "aan"), ("0", "nee", "false", "uit")


@dataclass(frozen=True)
class Context:
    """What computed allowed values and defaults may look at: the store and the values resolved so far."""

    store_dir: str
    built: str
    values: dict[str, Any]


Choices = Sequence[Any] | Callable[[Context], Sequence[Any]]


@dataclass(frozen=True)
class Param:
    """One view parameter.

    Parameters
    ----------
    name : the parameter's name (also its session key unless ``key`` is given).
    kind : "str", "int", "bool" or "list" (a comma-separated list of str codes in the URL).
    default : a value, or a function of the :class:`Context`.
    url_key : key in the URL, or None for a parameter kept in the session only.
    key : widget / session key; defaults to ``name``.
    choices : allowed values (static, or a function of the context); None = any value passing ``check``.
    check : extra test of a parsed value (for example: the area exists in the store).
    bounds : (lowest, highest) for "int".
    max_length : longest accepted text (per item for "list").
    max_items : most items of a "list".
    normalise : applied to a text before checking (for example ``str.upper``).
    nullable : None is a valid value (an area not yet chosen).
    page_reports : the page itself explains a replaced link value, with more to say than the sidebar sentence
        (which areas or divisions exist, which practices may be chosen); the sidebar leaves it out.
    """

    name: str
    kind: str
    default: Any
    url_key: str | None = None
    key: str = ""
    choices: Choices | None = None
    check: Callable[[Any, Context], bool] | None = None
    bounds: tuple[int, int] | None = None
    max_length: int = 40
    max_items: int = 50
    normalise: Callable[[str], str] | None = None
    nullable: bool = False
    page_reports: bool = False

    @property
    def session_key(self) -> str:
        """The widget / session key of this parameter."""
        return self.key or self.name

    def allowed(self, ctx: Context) -> list[Any] | None:
        """The allowed values in this context (None: any value that passes :attr:`check`)."""
        if self.choices is None:
            return None
        return list(self.choices(ctx) if callable(self.choices) else self.choices)

    def default_value(self, ctx: Context) -> Any:
        """The default in this context."""
        return self.default(ctx) if callable(self.default) else self.default

    def parse(self, raw: str) -> Any:
        """The typed value of a URL text, or raise ValueError. Only shape and bounds; see :meth:`valid`."""
        if len(raw) > MAX_RAW_LENGTH:
            raise ValueError("te lang")
        text = raw.strip()
        if self.kind == "int":
            low, high = self.bounds or (0, 10**9)
            if not _DIGITS.fullmatch(text) or len(text) > len(str(high)):
                raise ValueError("geen geheel getal")
            number = int(text)
            if not low <= number <= high:
                raise ValueError("buiten het bereik")
            return number
        if self.kind == "bool":
            lowered = text.lower()
            if lowered in _TRUE:
                return True
            if lowered in _FALSE:
                return False
            raise ValueError("geen ja/nee")
        if self.kind == "list":
            items = [self._text(item) for item in text.split(",") if item.strip()]
            if not items or len(items) > self.max_items:
                raise ValueError("geen lijst")
            return list(dict.fromkeys(items))
        return self._text(text)

    def _text(self, text: str) -> str:
        text = text.strip()
        if not text or len(text) > self.max_length:
            raise ValueError("lengte")
        return self.normalise(text) if self.normalise else text

    def valid(self, value: Any, ctx: Context, allowed: list[Any] | None) -> bool:
        """Whether a typed value may reach a page."""
        if value is None:
            return self.nullable
        if self.kind == "list":
            if not isinstance(value, list):
                return False
            return all(allowed is None or item in allowed for item in value)
        if self.kind == "int" and (isinstance(value, bool) or not isinstance(value, int)):
            return False
        if self.kind == "int" and self.bounds and not self.bounds[0] <= value <= self.bounds[1]:
            return False
        if allowed is not None and value not in allowed:
            return False
        if self.check is not None:
            try:
                return bool(self.check(value, ctx))
            except KbzDataError:
                return False
        return True

    def format(self, value: Any) -> str | None:
        """The URL text of a value (None: leave the key out)."""
        if value is None:
            return None
        if self.kind == "list":
            return ",".join(value) if value else None
        if self.kind == "bool":
            return "1" if value else "0"
        return str(value)


@dataclass(frozen=True)
class Replacement:
    """A value from the link that was replaced: ``shown`` is cut and escaped, ready for Markdown."""

    name: str
    url_key: str
    shown: str
    replaced_by: str


def echo(raw: str) -> str:
    """A text from the link as it may be shown: cut to :data:`ECHO_LENGTH` characters and Markdown-escaped."""
    cut = raw[:ECHO_LENGTH] + ("…" if len(raw) > ECHO_LENGTH else "")
    return escape_markdown(cut)


# --- The declared parameters ---------------------------------------------------------------------------------------

GEMEENTE_OPTIONS = ["G4", *GEMEENTEN]
NIVEAU_OPTIONS = ["wijk", "buurt"]
DEFAULT_INDICATOR = "ervaren_gezondheid_goed"


def _cached():  # noqa: ANN202 - the module, imported late so this module loads without a store
    from kbz_data.ui import cached

    return cached


def _indicators(ctx: Context) -> list[str]:
    gemeente = ctx.values.get("gemeente") or "G4"
    return list(_cached().indicator_choices(ctx.store_dir, ctx.built, gemeente))


def _default_indicator(ctx: Context) -> str:
    ids = _indicators(ctx)
    return DEFAULT_INDICATOR if DEFAULT_INDICATOR in ids else ids[0]


def _periods(ctx: Context) -> list[str]:
    pairs = _cached().periods(ctx.store_dir, ctx.built, ctx.values["indicator"])
    return [f"{jaar}-{indeling}" for jaar, indeling in pairs]


def _schemes(ctx: Context) -> list[str]:
    from kbz_data.charts.maps import SCHEMES

    return list(SCHEMES)


def _area_exists(code: str, ctx: Context) -> bool:
    if not _CODE.fullmatch(code):
        return False
    _cached().area_divisions(ctx.store_dir, ctx.built, code)  # KbzDataError when unknown
    return True


def _default_area(ctx: Context) -> str | None:
    choices = _cached().area_choices(ctx.store_dir, ctx.built, ctx.values.get("gemeente", "G4"),
                                     ctx.values.get("niveau", "wijk"))
    kbz_first = choices.loc[choices["kbz"] != "", "code"].tolist()
    return (kbz_first or choices["code"].tolist() or [None])[0]


def _area_divisions(ctx: Context) -> list[int]:
    code = ctx.values.get("profiel_code")
    return _cached().area_divisions(ctx.store_dir, ctx.built, code) if code else []


def _default_area_division(ctx: Context) -> int | None:
    code = ctx.values.get("profiel_code")
    return _cached().default_division(ctx.store_dir, ctx.built, code) if code else None


def _compare_divisions(ctx: Context) -> list[int]:
    return _cached().division_choices(ctx.store_dir, ctx.built, ctx.values.get("niveau", "wijk"))


def _default_compare_division(ctx: Context) -> int | None:
    divisions = _compare_divisions(ctx)
    periode = ctx.values.get("periode")
    if not periode:  # the sidebar period was never chosen: the default period of the (default) indicator
        indicator = ctx.values.get("indicator") or _default_indicator(ctx)
        periode = _periods(Context(ctx.store_dir, ctx.built, {"indicator": indicator}))[0]
    sidebar = int(str(periode).split("-")[1])
    return sidebar if sidebar in divisions else (divisions or [None])[0]


def _compare_codes(ctx: Context) -> list[str]:
    indeling = ctx.values.get("vergelijk_indeling")
    if indeling is None:
        return []
    options = _cached().area_options(ctx.store_dir, ctx.built, indeling, ctx.values.get("niveau", "wijk"))
    return options["code"].tolist()


def _default_compare_codes(ctx: Context) -> list[str]:
    indeling = ctx.values.get("vergelijk_indeling")
    if indeling is None:
        return []
    return list(_cached().default_selection(ctx.store_dir, ctx.built, indeling,
                                                    ctx.values.get("niveau", "wijk")))


def _chosen_codes(ctx: Context) -> list[str]:
    return list(ctx.values.get("vergelijk_codes") or [])


def _first_chosen(ctx: Context) -> str | None:
    return (_chosen_codes(ctx) or [None])[0]


def _practices(ctx: Context) -> list[str]:
    from kbz_data.ui import auth

    return auth.practice_codes(ctx.store_dir)


def _default_budget(ctx: Context) -> int:
    from kbz_data.analysis import budget

    return int(budget.DEFAULT_BUDGET_EUR)


#: Every view parameter, in the order they are resolved (a computed choice may use those before it).
PARAMS: dict[str, Param] = {p.name: p for p in (
    Param("gemeente", "str", "G4", url_key="gemeente", choices=GEMEENTE_OPTIONS, max_length=6,
          normalise=str.upper),
    Param("niveau", "str", "wijk", url_key="niveau", choices=NIVEAU_OPTIONS, max_length=5, normalise=str.lower),
    Param("indicator", "str", _default_indicator, url_key="indicator", choices=_indicators, max_length=60),
    Param("periode", "str", lambda ctx: _periods(ctx)[0], url_key="periode", choices=_periods, max_length=9),
    Param("kaart_schaal", "str", lambda ctx: _schemes(ctx)[0], url_key="schaal", choices=_schemes, max_length=20),
    Param("kaart_klassen", "int", 5, url_key="klassen", bounds=(3, 7)),
    Param("kaart_kbz", "bool", True, url_key="kbz", max_length=5),
    Param("profiel_code", "str", _default_area, url_key="code", check=_area_exists, max_length=20,
          normalise=str.upper, nullable=True, page_reports=True),
    Param("profiel_indeling", "int", _default_area_division, url_key="indeling", choices=_area_divisions,
          bounds=(1900, 2100), nullable=True, page_reports=True),
    Param("vergelijk_indeling", "int", _default_compare_division, url_key="indeling", choices=_compare_divisions,
          bounds=(1900, 2100), nullable=True),
    Param("vergelijk_codes", "list", _default_compare_codes, url_key="gebieden", choices=_compare_codes,
          max_length=20, normalise=str.upper),
    Param("vergelijk_referentie", "str", _first_chosen, url_key="referentie", choices=_chosen_codes, max_length=20,
          normalise=str.upper, nullable=True),
    # at least 1 euro: a budget of 0 left every amount, share and map class "onbekend"
    Param("budget_bedrag", "int", _default_budget, url_key="budget", bounds=(1, 10_000_000_000)),
    Param("behoefte_atypisch", "bool", False, url_key="atypisch", max_length=5),
    Param("budget_niveau", "str", lambda ctx: ctx.values.get("niveau", "wijk"), choices=NIVEAU_OPTIONS),
    Param("praktijk_keuze", "str", lambda ctx: _practices(ctx)[0], url_key="praktijk", choices=_practices,
          normalise=str.upper, page_reports=True),
)}

#: The sidebar filters (drawn by app.py) among the parameters.
SIDEBAR = ("gemeente", "niveau", "indicator", "periode")

#: Which parameters each page uses, by url_path; a page not listed uses none.
PAGES: dict[str, tuple[str, ...]] = {
    "kaart": (*SIDEBAR, "kaart_schaal", "kaart_klassen", "kaart_kbz"),
    "wijkprofiel": ("gemeente", "niveau", "profiel_code", "profiel_indeling"),
    "vergelijken": ("gemeente", "niveau", "vergelijk_indeling", "vergelijk_codes", "vergelijk_referentie",
                    "behoefte_atypisch"),
    "budget": ("gemeente", "budget_bedrag", "budget_niveau", "behoefte_atypisch"),
    "praktijk": ("praktijk_keuze",),
    "upload": ("praktijk_keuze",),
    "leeg": SIDEBAR,  # the benchmark's empty page (KBZ_BENCH_EMPTY_PAGE) draws every shared filter
}


#: Every URL key some page reads.
URL_KEYS = frozenset(p.url_key for p in PARAMS.values() if p.url_key)


def _check_declarations() -> None:
    for page, names in PAGES.items():
        url_keys = [PARAMS[n].url_key for n in names if PARAMS[n].url_key]
        if len(url_keys) != len(set(url_keys)):
            raise AssertionError(f"page {page} uses one URL key twice: {url_keys}")


_check_declarations()


# --- Resolution ------------------------------------------------------------------------------------------------------

def _url_now() -> dict[str, list[str]]:
    params = st.query_params
    return {key: list(params.get_all(key)) for key in params}


def resolve(param: Param, ctx: Context, url: dict[str, list[str]] | None, session: Any,
            remembered: dict[str, Any]) -> tuple[Any, Replacement | None]:
    """The value of one parameter in this run, and the replacement made when the link held a bad value.

    ``url`` is the query string when it changed from outside (else None); a repeated key counts by its last value,
    an empty value as absent.
    """
    allowed = param.allowed(ctx)
    default = param.default_value(ctx)
    raw = None
    if url is not None and param.url_key and url.get(param.url_key):
        raw = url[param.url_key][-1]
        if not raw.strip():
            raw = None
    if raw is not None and allowed == [] and param.nullable:
        return None, None  # nothing to choose from (no area chosen): the page says so; no second message
    if raw is not None:
        try:
            parsed = param.parse(raw)
        except ValueError:
            parsed = None
        if param.kind == "list" and isinstance(parsed, list) and allowed is not None:
            kept = [c for c in parsed if c in allowed]
            if kept:
                return kept, (Replacement(param.name, param.url_key or "", echo(raw), param.format(kept) or "")
                              if len(kept) < len(parsed) else None)
            parsed = None
        if parsed is not None and param.valid(parsed, ctx, allowed):
            return parsed, None
        fallback = _fallback(param, ctx, allowed, default, remembered)
        return fallback, Replacement(param.name, param.url_key or "", echo(raw), _shown(param, fallback))
    if param.session_key in session:
        value = session[param.session_key]
    elif param.name in remembered and remembered[param.name] is not None:
        value = remembered[param.name]
    else:
        value = default
    if value is None:
        value = default
    if param.kind == "list" and isinstance(value, list) and allowed is not None:
        kept = [c for c in value if c in allowed]
        if value and not kept:  # everything chosen left (other division or level): start from the default
            kept = list(default or [])
        return kept, None
    return (value if param.valid(value, ctx, allowed) else
            _fallback(param, ctx, allowed, default, remembered)), None


def _fallback(param: Param, ctx: Context, allowed: list[Any] | None, default: Any, remembered: dict[str, Any]) -> Any:
    if param.nullable and param.check is not None:
        return None  # an unknown area from the link: the page asks the user to choose one
    earlier = remembered.get(param.name)
    if earlier is not None and param.valid(earlier, ctx, allowed):
        return earlier
    return default


def _shown(param: Param, value: Any) -> str:
    text = param.format(value)
    return escape_markdown(text) if text else "geen"


def sync(page: str, store_dir: str, built: str) -> None:
    """Resolve the parameters of ``page`` (its url_path) for this run and write them to the URL.

    Raises KbzDataError when the store cannot be read for a computed choice.
    """
    session = st.session_state
    names = PAGES.get(page, ())
    now = _url_now()
    back = _history_navigation()
    outside = back or now != session.get(_URL) or session.get(_PAGE) != page
    remembered: dict[str, Any] = session.setdefault(_VALUES, {})
    pending: dict[str, list[str]] = session.setdefault(_PENDING, {})
    own_keys = {PARAMS[n].url_key for n in names if PARAMS[n].url_key}
    link = None
    if back:
        link = now  # Back/Forward: exactly the view of that entry (see below), no waiting link parameters
    elif outside:
        # A link to one page may carry parameters for another (open_page, a link to the start page): they wait in
        # _PENDING for the next page that uses them, as if that page had been opened with them.
        pending.update({k: v for k, v in now.items() if k not in own_keys and k in URL_KEYS})
        link = {**{k: pending.pop(k) for k in own_keys if k in pending}, **now}
    ctx = Context(store_dir, built, remembered)
    replaced: list[Replacement] = []
    defaults: set[str] = set()  # url keys whose value is the default in this run
    for name in PARAMS:
        if name not in names:
            continue
        param = PARAMS[name]
        if back and param.url_key and not (now.get(param.url_key) or [""])[-1].strip():
            # Back/Forward to an entry without this key: the URL left it out because it had its default value
            # (write_url keeps a link that only leaves out defaults), so the default is what that entry showed,
            # not the value chosen since (the bare /kaart of a first visit shows "Alle vier steden" again).
            value, replacement = param.default_value(ctx), None
        else:
            value, replacement = resolve(param, ctx, link, session, remembered)
        remembered[name] = value
        session[param.session_key] = value
        if replacement is not None:
            replaced.append(replacement)
        if param.url_key and value == param.default_value(ctx):
            defaults.add(param.url_key)
    session[_REPLACED] = replaced
    session[_FROM_LINK] = [n for n in names if link is not None and PARAMS[n].url_key
                           and (link.get(PARAMS[n].url_key) or [""])[-1].strip()]
    session[_PAGE] = page
    write_url(link=now, defaults=defaults)


def _history_navigation() -> bool:
    """True when this run was started by the browser's Back or Forward button (a popstate in the browser)."""
    ctx = get_script_run_ctx()
    return bool(ctx is not None and getattr(ctx, "is_history_navigation", False))


def write_url(link: dict[str, list[str]] | None = None, defaults: frozenset[str] | set[str] = frozenset()) -> None:
    """Make the URL hold exactly the parameters of the current page, with their current values.

    ``link``: the query string of this run. When it already says what is shown, only leaving out parameters that
    have their default value (a link typed or shared without them), it is kept as it is: Streamlit pushes a
    rewritten URL as a new browser-history entry, so the first Back after opening such a link stayed on the same
    page. The first change in the page writes the whole view.
    """
    session = st.session_state
    remembered = session.get(_VALUES, {})
    wanted: dict[str, list[str]] = {}
    for name in PAGES.get(session.get(_PAGE, ""), ()):
        param = PARAMS[name]
        text = param.format(remembered.get(name)) if param.url_key else None
        if text is not None:
            wanted[param.url_key] = [text]
    if link is not None and _says_the_same(link, wanted, defaults):
        session[_URL] = link
        return
    if _url_now() != wanted:
        st.query_params.from_dict(wanted)
    session[_URL] = wanted


def _says_the_same(link: dict[str, list[str]], wanted: dict[str, list[str]],
                   defaults: set[str] | frozenset[str]) -> bool:
    """True when ``link`` holds only keys of ``wanted``, each with the same single value, and every key it leaves out
    has its default value."""
    return (set(link) <= set(wanted) and all(link[k] == wanted[k] for k in link)
            and all(k in defaults for k in wanted if k not in link))


def switch_page(page: str) -> None:
    """Open another page (its url_path) with its parameters already in the URL.

    Without them the page would arrive at a bare URL and write its parameters in its first run, and a second run
    started by the browser before that write arrives (a map's selection event) writes again. Streamlit still changes
    the URL twice here (the parameters on the current page's path, then the new page): the browser keeps one entry
    for both through kbz_data.ui.widgets.HISTORY_JS.
    """
    remembered = st.session_state.get(_VALUES, {})
    query = {}
    for name in PAGES.get(page, ()):
        param = PARAMS[name]
        text = param.format(remembered.get(name)) if param.url_key else None
        if text is not None:
            query[param.url_key] = text
    st.switch_page(f"app_pages/{page}.py", query_params=query)


def value(name: str) -> Any:
    """The current value of a parameter (checked; the remembered or default value on a page that does not use it)."""
    return st.session_state.get(_VALUES, {}).get(name, PARAMS[name].default
                                                 if not callable(PARAMS[name].default) else None)


def param(name: str) -> Param:
    """The declaration of a parameter (for its widget ``key``: ``param(name).session_key``)."""
    return PARAMS[name]


def key(name: str) -> str:
    """The widget key of a parameter."""
    return PARAMS[name].session_key


def set_value(name: str, new: Any) -> None:
    """Change a parameter in code (before its widget is drawn in this run); the URL follows."""
    st.session_state.setdefault(_VALUES, {})[name] = new
    st.session_state[PARAMS[name].session_key] = new
    write_url()


def replacements() -> list[Replacement]:
    """The values from the link that were replaced in this run."""
    return list(st.session_state.get(_REPLACED, []))


def from_link(name: str) -> bool:
    """True when the link opened in this run set this parameter (for a page that must refuse a linked value the
    user may not see, e.g. ``?praktijk=OTHER``)."""
    return name in st.session_state.get(_FROM_LINK, [])


def replacement(name: str) -> Replacement | None:
    """The replacement of one parameter in this run, if its link value was bad."""
    return next((r for r in replacements() if r.name == name), None)


def warning_text() -> str | None:
    """One Dutch sentence naming every link value replaced in this run and what replaced it, or None."""
    return format_warning([r for r in replacements() if not (r.name in PARAMS and PARAMS[r.name].page_reports)])


def format_warning(replaced: Sequence[Replacement]) -> str | None:
    """The sentence of :func:`warning_text` for a list of replacements (None when there are none)."""
    if not replaced:
        return None
    before = ", ".join(f"{r.url_key}={r.shown}" for r in replaced)
    after = ", ".join(f"{r.url_key}={r.replaced_by}" for r in replaced)
    def shown(v: int) -> str:  # years stay 2024, amounts get thousands dots
        return fmt_number(v) if v >= 10_000 else str(v)

    ranges = [f"{r.url_key} van {shown(low)} tot en met {shown(high)}" for r in replaced  # a range, not a list
              if r.name in PARAMS and PARAMS[r.name].kind == "int" and PARAMS[r.name].bounds
              and PARAMS[r.name].choices is None
              for low, high in [PARAMS[r.name].bounds]]
    return ("Deze link bevat onbekende of niet passende waarden, die zijn vervangen: "
            f"{before} uit de link is vervangen door {after}."
            + (f" Toegestaan: {'; '.join(ranges)}." if ranges else ""))
