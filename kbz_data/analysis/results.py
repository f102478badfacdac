"""View results: what one view of the dashboard shows and what its download holds, as one frozen object.

A page renders a :class:`ViewResult` (title, caption, method lines, sources, tables, figure) and hands the same
object to :mod:`kbz_data.export`, so the screen and the file cannot disagree. Fields are named: adding a method
line never moves the sources.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import pandas as pd

#: The licence of the area figures (CBS, RIVM/GGD'en, Kadaster/PDOK), carried by every area view.
LICENCE_LINE = "Licentie: CC BY 4.0 (CBS, RIVM/GGD'en, Kadaster/PDOK). Samengesteld met het KBZ wijkdashboard."
#: The line a file of fictitious practice figures carries right under its title.
FICTIEF_LINE = "FICTIEVE DEMODATA: de praktijkcijfers zijn verzonnen en gegenereerd door het dashboard zelf."
#: Health figures per wijk and buurt are model estimates: the caveat every view of them carries.
MODEL_LINE = "Gezondheidscijfers per wijk en buurt zijn modelschattingen (small area estimation), geen tellingen."


@dataclass(frozen=True, eq=False)
class ViewResult:
    """One view: what the page shows and what the CSV/Excel download of it holds.

    Attributes
    ----------
    title
        First line of the file and heading of the view.
    tables
        (sheet name, table) pairs; the CSV holds the first, the Excel file every one (sheet names <= 31 chars).
    file_stem
        File name without extension.
    caption
        Short text shown under the view (and written under the title).
    method_lines
        Assumptions and definitions, one per line.
    sources
        The source attribution line.
    licence
        The licence line ("" when the view has none of its own, e.g. practice figures).
    figure
        The chart of the view (from :mod:`kbz_data.charts`): a plotly figure or server-made HTML, or None.
    fictief
        Any fictitious (demo) figure in the tables: the file then carries :attr:`fictief_line` under the title.
    """

    title: str
    tables: tuple[tuple[str, pd.DataFrame], ...]
    file_stem: str
    caption: str = ""
    method_lines: tuple[str, ...] = ()
    sources: str = ""
    licence: str = ""
    figure: Any = None
    fictief: bool = False
    fictief_line: str = FICTIEF_LINE

    @property
    def lines(self) -> tuple[str, ...]:
        """The context lines of the file, in order: title, fictief line, caption, method lines, sources, licence."""
        parts = (self.title, self.fictief_line if self.fictief else "", self.caption, *self.method_lines,
                 self.sources, self.licence)
        return tuple(p for p in parts if p)

    @property
    def table(self) -> pd.DataFrame:
        """The first (main) table."""
        return self.tables[0][1]

    @property
    def footnote(self) -> str:
        """Method, sources and licence on one line, for a caption under the view."""
        return " ".join(p for p in (*self.method_lines, self.sources, self.licence) if p)

    def replace(self, **changes: Any) -> ViewResult:
        """A copy with some fields changed (e.g. an extra sheet, or the figure attached)."""
        return dataclasses.replace(self, **changes)


def plain_view(lines: list[str] | tuple[str, ...], table: pd.DataFrame, file_stem: str,
               sheet: str = "Gegevens") -> ViewResult:
    """A view from plain context lines (the first is the title) and one table."""
    return ViewResult(title=lines[0], tables=((sheet, table),), file_stem=file_stem, method_lines=tuple(lines[1:]))
