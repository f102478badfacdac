"""Download buttons for a :class:`~kbz_data.analysis.results.ViewResult` (the only place that draws them).

The file is written on click from the view object passed in, so it always carries that view's title, lines and
fictief flag (never a variable a later line of the page changed). ``on_click="ignore"``: a click does not rerun
the page, so the deferred file stays registered and quick successive clicks all get their file (a rerun used to
drop it: ``MediaFileStorageError: Deferred file ... not found``).
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from kbz_data import export
from kbz_data.analysis.results import ViewResult

CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_MIME = "application/pdf"


def file_button(label: str, make: Callable[[], bytes], file_name: str, key: str, container=None) -> None:
    """A button for a file that is no view (the upload template): ``make`` writes it on click; the MIME type
    follows the extension (.csv or .xlsx)."""
    mime = XLSX_MIME if file_name.endswith(".xlsx") else CSV_MIME
    (container or st).download_button(label, make, file_name=file_name, mime=mime, key=key, on_click="ignore")


def _written(write: Callable[[], bytes], before: Callable[[str], None] | None, kind: str) -> Callable[[], bytes]:
    """``write``, first calling ``before(kind)`` (the audit of a practice-figures export) when given: the file is
    only written when the audit entry was."""
    if before is None:
        return write

    def both() -> bytes:
        before(kind)
        return write()

    return both


def csv_button(view: ViewResult, key: str, label: str = "Download CSV", container=None,
               before: Callable[[str], None] | None = None) -> None:
    """A button that downloads ``view`` as CSV (its first table); ``before("csv")`` runs on every download."""
    (container or st).download_button(label, _written(lambda: export.to_csv(view), before, "csv"),
                                      file_name=f"{view.file_stem}.csv", mime=CSV_MIME, key=key, on_click="ignore")


def xlsx_button(view: ViewResult, key: str, label: str = "Download Excel", container=None,
                before: Callable[[str], None] | None = None) -> None:
    """A button that downloads ``view`` as Excel (every table, plus the sheet "Bron"); ``before("xlsx")`` runs on
    every download."""
    (container or st).download_button(label, _written(lambda: export.to_xlsx(view), before, "xlsx"),
                                      file_name=f"{view.file_stem}.xlsx", mime=XLSX_MIME, key=key, on_click="ignore")


def download_buttons(view: ViewResult, key: str, labels: tuple[str, str] = ("Download CSV", "Download Excel"),
                     before: Callable[[str], None] | None = None) -> None:
    """CSV and Excel buttons side by side; their keys are ``{key}_csv`` and ``{key}_xlsx``."""
    left, right = st.columns(2)
    csv_button(view, f"{key}_csv", labels[0], left, before)
    xlsx_button(view, f"{key}_xlsx", labels[1], right, before)


def _dashboard_url() -> str | None:
    """The address the visitor uses for the dashboard (scheme and host), printed as the link on a wijk card."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(st.context.url or "")
    except (AttributeError, RuntimeError):
        return None
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def wijkkaart_button(store_dir: str, built: str, code: str, indeling: int, key: str,
                     label: str = "Download wijkkaart (PDF)") -> None:
    """A button for the printable wijk card of one area (kbz_data.wijkkaart, printed by the system Chromium on
    click); a caption instead when no Chromium is installed."""
    from kbz_data import wijkkaart
    from kbz_data.ui import cached

    if not wijkkaart.can_print():
        st.caption("De wijkkaart als PDF is op deze server niet beschikbaar: Chromium ontbreekt (Debian-pakket"
                   " chromium).")
        return
    url = _dashboard_url()
    data = cached.store_data(store_dir, built)
    st.download_button(
        label, lambda: wijkkaart.wijkkaart_pdf(data, code, indeling, url),
        file_name=f"wijkkaart_{code}_{indeling}.pdf", mime=PDF_MIME, key=key, on_click="ignore",
        help="Eén A4 met het gebied op een kaartje, alle indicatoren, de trend, KBZ-gebied en praktijken, de bronnen"
             " en de bouwdatum van de gegevens. Het maken duurt enkele seconden.",
    )
