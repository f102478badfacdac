"""Safe display of user-provided text (file names, cell values, URL parameters) in Streamlit Markdown.

``st.markdown``, ``st.error``, ``st.warning``, ``st.info``, ``st.success`` and ``st.caption`` render their text
as Markdown (GitHub-flavoured, plus Streamlit's own ``:red[...]`` directives, ``$...$`` math and emoji
shortcodes). Text from an uploaded file or a link must go through :func:`escape_markdown` before it is put into
such a string, so that ``[Klik](http://evil.example)`` is shown as those characters and never becomes a link,
a heading, a table or a coloured text.

:func:`fmt_value` and :func:`euro` are the one Dutch number formatter of the product (decimal comma, thousands
dot, unit; a missing value reads "onbekend").
"""

from __future__ import annotations

import math
import re

import pandas as pd

from kbz_data.errors import KbzDataError

#: How a missing value reads on screen and in files.
UNKNOWN = "onbekend"

#: Characters that start or end Markdown syntax: backslash-escaped (CommonMark allows a backslash before any
#: ASCII punctuation, and the character is then shown as itself).
_SPECIAL = re.compile(r"([\\`*_\[\]()#>|~$<&]|:(?=[A-Za-z/]))")
#: Line breaks of any kind, with the spaces around them.
_NEWLINES = re.compile(r"[ \t]*[\r\n\v\f\x85\u2028\u2029]+[ \t\r\n\v\f\x85\u2028\u2029]*")
#: Bare URLs and e-mail addresses that GitHub-flavoured Markdown turns into links without any syntax
#: ("autolink literals", detected in the text after escapes are resolved, so a backslash does not stop them);
#: likewise emoji shortcodes (``:smile:``).
_AUTOLINK = re.compile(r"(?i)(?<=[a-z])(?=\\:/)|(?<=www)(?=\.)|(?=@)|(?<=\\:)(?=[a-z])")
#: A list marker or rule at the very start ("- ", "+ ", "---", "1. ") would turn the text into a list or a line.
_LIST_START = re.compile(r"^([-+=])|^(\d{1,9})(\.)(?=\s|$)")
_ZERO_WIDTH_SPACE = "\u200b"


def escape_markdown(text: str) -> str:
    """Return ``text`` so that Streamlit's Markdown shows it literally, on one line.

    * Every Markdown/link character (``\\ ` * _ [ ] ( ) # > | ~ $ < &``, and ``:`` before a letter or ``/``)
      gets a backslash, so it is shown as itself and cannot open a link, image, emphasis, code span, heading,
      quote, table, strike-through, math, HTML tag, entity, emoji shortcode or Streamlit directive
      (``:red[...]``, ``:material/...:``).
    * Line breaks (with the spaces around them) become one space and the text is stripped: no new paragraph,
      heading, list or code block can start.
    * A list marker or rule at the start (``-``, ``+``, ``=``, ``1.``) is escaped.
    * Bare URLs (``http://``, ``www.``) and e-mail addresses get an invisible zero-width space
      (after ``http``, after ``www``, before ``@`` and after an escaped ``:``), which GitHub-flavoured Markdown
      would otherwise link automatically (or Streamlit turn into an emoji).

    Parameters
    ----------
    text
        Any user-provided text (a file name, a cell value, a query parameter, an exception message that
        repeats one). Non-strings are converted with ``str``.

    Returns
    -------
    str
        The text to put into a Markdown string; it reads the same on screen.

    Examples
    --------
    >>> escape_markdown("[Klik](http://evil.example)")
    '\\\\[Klik\\\\]\\\\(http\\u200b\\\\://evil.example\\\\)'
    >>> escape_markdown("regel 1\\n\\n# kop")
    'regel 1 \\\\# kop'
    """
    value = _NEWLINES.sub(" ", str(text)).strip()
    value = _SPECIAL.sub(r"\\\1", value)
    value = _LIST_START.sub(lambda m: f"\\{m.group(1)}" if m.group(1) else f"{m.group(2)}\\{m.group(3)}", value)
    return _AUTOLINK.sub(_ZERO_WIDTH_SPACE, value)


def _dutch(value: float, decimals: int) -> str:
    """``1234567.891`` -> ``1.234.567,89`` (thousands dot, decimal comma)."""
    return f"{value:,.{decimals}f}".replace(",", "_").replace(".", ",").replace("_", ".")


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or bool(pd.isna(value))


def fmt_number(value: float | None, decimals: int = 0) -> str:
    """A number in Dutch notation without unit: ``1.234.567``, ``12,5`` (``decimals`` after the comma);
    missing -> "onbekend"."""
    if _missing(value):
        return UNKNOWN
    return _dutch(value, decimals)


def aantal(n: int, enkelvoud: str, meervoud: str) -> str:
    """A count with its noun in the right number: ``aantal(1, "gebied", "gebieden")`` -> ``1 gebied``; thousands
    dots from :func:`fmt_number`."""
    return f"{fmt_number(n)} {enkelvoud if n == 1 else meervoud}"


def fmt_share(value: float | None, decimals: int = 1) -> str:
    """A fraction as a Dutch percentage: ``0.2345`` -> ``23,5 %`` (a space before the sign, as
    :func:`fmt_value` writes every percentage); missing -> "onbekend"."""
    if _missing(value):
        return UNKNOWN
    return _dutch(100 * value, decimals) + " %"


def fmt_weight(value: float) -> str:
    """A weight or factor with the decimals it has (at most three), in Dutch notation: ``1.25`` -> ``1,25``,
    ``2.0`` -> ``2``, ``0.5`` -> ``0,5`` (where ``f"{value:g}"`` would write a decimal point)."""
    for decimals in range(3):
        if round(float(value) * 10**decimals, 6) % 1 == 0:
            return _dutch(float(value), decimals)
    return _dutch(float(value), 3)


def fmt_value(value: float | None, eenheid: str) -> str:
    """A value with its unit in Dutch notation: counts without decimals, scores with three, the rest with one
    (``1.234,6 %``, ``931.298``, ``-0,100``, ``38,5 x 1000 euro``); missing -> "onbekend"."""
    if _missing(value):
        return UNKNOWN
    if eenheid in ("aantal", "per km2", "klasse"):
        text = _dutch(value, 0)
    elif eenheid == "score":
        text = f"{value:.3f}".replace(".", ",")
    else:
        text = _dutch(value, 1)
    suffix = {"%": " %", "aantal": "", "klasse": "", "score": ""}.get(eenheid, f" {eenheid}")
    return text + suffix


def euro(value: float | None, decimals: int = 0) -> str:
    """Dutch euro amount: ``€ 1.234.567`` (``decimals`` after a comma); missing -> "onbekend"."""
    if _missing(value):
        return UNKNOWN
    return f"€ {_dutch(value, decimals)}"


#: d3 format of a plotly axis's tick labels: a thousands separator, trailing zeros dropped, no SI prefix ("2k");
#: with the figure's ``separators=",."`` it reads ``2.000`` and ``2,5``.
DUTCH_TICKS = ",~f"

#: Dutch month names for :func:`fmt_datetime`.
_MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december")
#: The local time zone of the dashboard's users (the four cities).
LOCAL_TZ = "Europe/Amsterdam"


def _moment(value: object) -> pd.Timestamp | None:
    """``value`` (ISO text or timestamp) as a Timestamp; None when missing or unreadable."""
    if _missing(value) or value == "":
        return None
    try:
        return pd.Timestamp(value)
    except (ValueError, TypeError):
        return None


def _local(moment: pd.Timestamp) -> pd.Timestamp:
    """A moment in :data:`LOCAL_TZ` (naive means UTC)."""
    return (moment if moment.tzinfo is not None else moment.tz_localize("UTC")).tz_convert(LOCAL_TZ)


def fmt_datetime(value: object) -> str:
    """A moment (ISO text or timestamp; naive means UTC) in Dutch local time in words:
    ``2026-12-02T13:27:46+00:00`` -> ``2 december 2026, 14:27``; missing or unreadable -> "onbekend"."""
    moment = _moment(value)
    if moment is None:
        return UNKNOWN
    local = _local(moment)
    return f"{local.day} {_MONTHS[local.month - 1]} {local.year}, {local.hour:02d}:{local.minute:02d}"


def fmt_date(value: object) -> str:
    """A day in words: ``2026-12-02`` -> ``2 december 2026`` (a moment with a time: its local day, as
    :func:`fmt_datetime`); missing or unreadable -> "onbekend"."""
    moment = _moment(value)
    if moment is None:
        return UNKNOWN
    if moment.tzinfo is not None or (moment.hour, moment.minute, moment.second) != (0, 0, 0):
        moment = _local(moment)
    return f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}"


def plural(count: int, singular: str, plural_form: str) -> str:
    """``1 praktijk``, ``2 praktijken`` (count in Dutch notation)."""
    return f"{fmt_number(count)} {singular if count == 1 else plural_form}"


#: An absolute path (POSIX ``/a/b`` or Windows ``C:\a\b``) inside a message: the server's layout, not the user's.
_ABSOLUTE_PATH = re.compile(r"(?<![\w.:/])(?:[A-Za-z]:\\|/)(?:[^\s'\"`:;,()]+[/\\])+([^\s'\"`:;,()/\\]*)")


def public_message(exc: BaseException | str) -> str:
    """An error message fit for the screen: absolute server paths shortened to their last part (``…/name``),
    then escaped with :func:`escape_markdown`."""
    return escape_markdown(_ABSOLUTE_PATH.sub(lambda m: "…/" + m.group(1) if m.group(1) else "…", str(exc)))


class KbzInputError(KbzDataError):
    """A number typed by the user cannot be read without guessing; the message says why, in Dutch."""


#: Spaces a user (or a copied figure) may put between digit groups: space, no-break space, narrow no-break space.
_GROUP_SPACES = re.compile(r"[ \u00a0\u202f]")
#: Accepted shapes of an amount, after "€"/"euro" and outer spaces are removed and inner spaces made plain:
#: plain digits, digits grouped by three with dots or with spaces, each optionally with a decimal comma.
_AMOUNT_SHAPES = (
    re.compile(r"[0-9]+(,[0-9]+)?"),
    re.compile(r"[0-9]{1,3}(\.[0-9]{3})+(,[0-9]+)?"),
    re.compile(r"[0-9]{1,3}( [0-9]{3})+(,[0-9]+)?"),
)


def parse_amount(text: str, example: str = "25.000.000") -> float:
    """Read an amount typed in Dutch notation: ``25.000.000``, ``25 000 000``, ``25000000``, ``€ 25.000.000,00``
    and ``1.234,5`` are accepted; anything that could be read in two ways is refused.

    Refused with a Dutch message (:class:`KbzInputError`): an empty field, a minus sign, exponents (``1e7``),
    characters other than ASCII digits, dots, a comma and spaces (``²``, full-width digits), a dot not followed by
    exactly three digits (``25.5``: decimal point or thousands separator?), more than one comma, dots after the
    comma (``25.000,5.0``), and dots mixed with spaces. Each message starts in lower case (it follows "Bedrag niet
    overgenomen:") and gives ``example`` as a notation that is read.

    Returns
    -------
    float
        The amount (in the unit of the field, e.g. euro).
    """
    raw = str(text)
    value = _GROUP_SPACES.sub(" ", raw).strip()
    value = re.sub(r"(?i)^(€|eur(o)?)\s*|\s*(€|eur(o)?)$", "", value).strip()
    shown = raw.strip()[:40] or "(leeg)"  # plain text: the page escapes the whole message
    if not value:
        raise KbzInputError(f"het veld is leeg; vul een bedrag in, bijvoorbeeld {example}.")
    if value.startswith("-"):
        raise KbzInputError(f"{shown} is negatief; vul een bedrag van 0 of meer in.")
    if any(not (c.isascii() and (c.isdigit() or c in ". ,")) for c in value):
        raise KbzInputError(f"{shown} bevat tekens die geen cijfer zijn; gebruik alleen cijfers, met punten of"
                            f" spaties tussen groepen van drie cijfers (bijvoorbeeld {example}).")
    if not any(shape.fullmatch(value) for shape in _AMOUNT_SHAPES):
        raise KbzInputError(f"{shown} is niet eenduidig: gebruik punten of spaties alleen tussen groepen van drie"
                            f" cijfers en hooguit één komma voor decimalen (bijvoorbeeld {example}).")
    return float(value.replace(".", "").replace(" ", "").replace(",", "."))


def join_attributions(texts: list[str]) -> str:
    """Attribution lines ("Bron: CBS, ...") of several sources as one: "Bron: A" or "Bronnen: A; B" (the word
    "Bron:" once, not before every source); empty when there are none."""
    bare = [re.sub(r"^Bron(nen)?:\s*", "", str(t).strip()) for t in texts if str(t).strip()]
    bare = list(dict.fromkeys(bare))
    if not bare:
        return ""
    return ("Bron: " if len(bare) == 1 else "Bronnen: ") + "; ".join(bare)
