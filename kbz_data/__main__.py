"""Command line: ``python -m kbz_data build|download|snapshot|validate|info|demo|wijkkaart|practice
upgrade|migrate|add-user``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kbz_data.config import default_sources_dir, default_store_dir
from kbz_data.errors import KbzDataError


def _progress_printer(fraction: float, message: str) -> None:
    print(f"[{f'{fraction * 100:5.1f}'.replace('.', ',')} %] {message}", flush=True)


def _cmd_build(args: argparse.Namespace) -> int:
    from kbz_data.store.build import build

    report = build(args.sources, args.store, progress=_progress_printer)
    print("\n".join(report.lines()))
    print(f"Opslag geschreven naar {args.store}")
    return 0


def _cmd_download(args: argparse.Namespace) -> int:
    from kbz_data.sources import download

    results = download.download_all(Path(args.sources))
    for result in results:
        print(f"  {result.source}: {result.path} ({result.rows} rijen)")
    print(f"Klaar. Bouw nu de opslag: python -m kbz_data build --sources {args.sources}")
    return 0


def _cmd_snapshot(args: argparse.Namespace) -> int:
    from kbz_data.store import snapshot

    info = snapshot.make(args.sources, args.out, datum=args.datum, progress=_progress_printer)
    size = sum(p.stat().st_size for p in Path(args.out).iterdir() if p.is_file())
    print(f"Momentopname van {info['momentopname']['datum']} geschreven naar {args.out}:"
          f" {len(info['bestanden'])} bronbestanden, {size / 1024:.0f} kB")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from kbz_data.store import storage
    from kbz_data.store.checks import validate_figures, validate_gebieden, validate_kwaliteit

    validate_gebieden(storage.read_gebieden(args.store))
    figures = storage.read_indicatoren(args.store)
    validate_figures(figures)
    validate_kwaliteit(storage.read_kwaliteit(args.store), figures)
    print(f"Opslag {args.store} is geldig.")
    return 0


def _cmd_info(args: argparse.Namespace) -> int:
    from kbz_data.store import locate, storage

    if args.store is None:
        choice = locate.resolve()
        print(f"Gekozen opslag: {locate.display_path(choice.store_dir)} ({choice.reason})")
        if choice.kind == locate.KIND_BUILD:
            print("Die opslag is nog niet gebouwd; het dashboard bouwt hem bij de eerste start, of draai"
                  " python -m kbz_data build.")
            return 0
        args.store = choice.store_dir
    info = storage.read_build_info(args.store)
    print(locate.data_line(args.store, info))
    for item in info["bestanden"]:
        publisher = f", {item['uitgever']}" if "uitgever" in item else ""
        print(f"  {item['path']} ({item['kind']}{publisher}, sha256 {item['sha256'][:16]})")
    for row in info["aantallen"]:
        print(f"  {row['indeling']} {row['niveau']:<8} {row['gemeente']:<10} {row['gebieden']:>4} gebieden,"
              f" {row['met_geometrie']:>4} met geometrie, {row['waarden']:>6} waarden")
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from kbz_data.practice import demo
    from kbz_data.practice.upload_checks import validate_upload

    paths = demo.write(args.out)
    figures = paths[0]
    checked = validate_upload(figures.read_bytes(), figures.name)
    for path in paths:
        print(f"  {path} ({path.stat().st_size} bytes)")
    print(f"Fictieve demodata geschreven: {len(checked.figures)} cijfers van 12 praktijken, {demo.FIRST} t/m"
          f" {demo.LAST}; het bestand doorstaat de uploadcontrole.")
    return 0


def _cmd_wijkkaart(args: argparse.Namespace) -> int:
    from kbz_data import wijkkaart
    from kbz_data.store import locate, storage

    if (args.code is None) == (not args.kbz):
        print("Fout: geef één gebiedscode (bijvoorbeeld WK034403) óf --kbz (alle KBZ-wijken).",
              file=sys.stderr)
        return 2
    store = args.store if args.store is not None else locate.resolve().store_dir
    data = storage.load(store)
    if args.kbz:
        pdf = wijkkaart.kbz_wijkkaarten_pdf(data, args.url)
        what = f"{len(wijkkaart.kbz_wijk_codes(data))} KBZ-wijken"
    else:
        pdf = wijkkaart.wijkkaart_pdf(data, args.code, args.indeling, args.url)
        what = args.code.strip().upper()
    out = args.out or Path(f"wijkkaart_{'kbz' if args.kbz else what}.pdf")
    out.write_bytes(pdf)
    print(f"Wijkkaart van {what} geschreven naar {out} ({len(pdf) / 1024:.0f} kB).")
    return 0


def _cmd_practice(args: argparse.Namespace) -> int:
    from kbz_data.practice.db import engine
    from kbz_data.practice.db.repository import PracticeDb
    from kbz_data.store import locate

    store = args.store if args.store is not None else locate.resolve().store_dir
    url = args.database or engine.default_url(store)
    if args.action == "upgrade":
        revision = engine.upgrade(url)
        print(f"Praktijkdatabase {engine.shown_url(url)} staat op schemaversie {revision}.")
        return 0
    if args.action == "add-user":
        if not args.email or not args.rol:
            print("Fout: add-user heeft --email en --rol nodig (en --praktijk bij de rol praktijk).", file=sys.stderr)
            return 2
        PracticeDb(url, store_dir=store).add_user(args.email, args.naam or args.email, args.rol, args.praktijk,
                                                  by="opdrachtregel")
        print(f"Gebruiker {args.email.strip().lower()} ({args.rol}) toegevoegd aan {engine.shown_url(url)}.")
        return 0
    from kbz_data.practice.db.journal_import import import_journal

    report = import_journal(store, PracticeDb(url, store_dir=store, check_journal=False))
    print(f"Journaal overgezet naar {engine.shown_url(url)}: {report.line()}.")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code (0 ok, 1 data error, 2 usage error)."""
    parser = argparse.ArgumentParser(prog="python -m kbz_data", description="KBZ wijkdashboard: data")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, helptext in (
        ("build", "bouw de lokale opslag uit de bronbestanden"),
        ("download", "download de bronnen van CBS (OData) en PDOK naar de bronmap"),
        ("snapshot", "bouw de meegeleverde momentopname (data/snapshot/) opnieuw uit de bronbestanden"),
        ("validate", "controleer een bestaande opslag"),
        ("info", "laat zien waaruit de opslag is gebouwd"),
        ("demo", "maak de fictieve demodata met praktijkcijfers (data/demo/), deterministisch"),
    ):
        command = sub.add_parser(name, help=helptext)
        if name in ("build", "download", "snapshot"):
            command.add_argument("--sources", type=Path, default=default_sources_dir(),
                                 help="bronmap (standaard $KBZ_SOURCES of data/sources)")
        if name == "snapshot":
            from kbz_data.store.locate import SNAPSHOT_DIR

            command.add_argument("--out", type=Path, default=SNAPSHOT_DIR, help="uitvoermap (standaard data/snapshot)")
            command.add_argument("--datum", help="datum van de momentopname (JJJJ-MM-DD); standaard de datum die er"
                                 " al staat als de bronbestanden gelijk zijn, anders vandaag")
        if name == "info":
            command.add_argument("--store", type=Path, default=None,
                                 help="opslagmap (standaard de opslag die het dashboard kiest)")
        if name in ("build", "validate"):
            command.add_argument("--store", type=Path, default=default_store_dir(),
                                 help="opslagmap (standaard $KBZ_STORE of data/store)")
        if name == "demo":
            from kbz_data.practice.demo import DEMO_DIR

            command.add_argument("--out", type=Path, default=DEMO_DIR, help="uitvoermap (standaard data/demo)")
    card = sub.add_parser("wijkkaart", help="printbare wijkkaart (PDF, één A4 per gebied) van een wijk of buurt,"
                          " of van alle KBZ-wijken")
    card.add_argument("code", nargs="?", help="CBS-gebiedscode, bijvoorbeeld WK034403 of BU03440101")
    card.add_argument("--indeling", type=int, default=None, help="gebiedsindeling (standaard die van het profiel)")
    card.add_argument("--kbz", action="store_true", help="één PDF met een kaart per KBZ-wijk")
    card.add_argument("-o", "--out", type=Path, default=None, help="uitvoerbestand (standaard wijkkaart_CODE.pdf)")
    card.add_argument("--store", type=Path, default=None,
                      help="opslagmap (standaard de opslag die het dashboard kiest)")
    card.add_argument("--url", default=None,
                      help="adres van het dashboard op de kaart (standaard $KBZ_DASHBOARD_URL of http://localhost:8501)")
    practice = sub.add_parser("practice", help="praktijkdatabase: schema bijwerken of de oude opslag overzetten")
    practice.add_argument("action", choices=["upgrade", "migrate", "add-user"],
                          help="upgrade: schema aanmaken/bijwerken; migrate: journal.json en versies/ importeren;"
                               " add-user: een gebruiker toevoegen (bijvoorbeeld de eerste beheerder)")
    practice.add_argument("--store", type=Path, default=None,
                          help="opslagmap met praktijk/ (standaard de opslag die het dashboard kiest)")
    practice.add_argument("--database", default=None,
                          help="database-URL (standaard $KBZ_DATABASE_URL of praktijk/praktijk.sqlite)")
    practice.add_argument("--email", help="add-user: e-mailadres (zoals de inlogdienst het bevestigt)")
    practice.add_argument("--naam", help="add-user: naam")
    practice.add_argument("--rol", choices=["praktijk", "analist", "beheerder"], help="add-user: rol")
    practice.add_argument("--praktijk", action="append", default=[],
                          help="add-user: praktijkcode (herhaal voor meer praktijken)")
    args = parser.parse_args(argv)
    handlers = {"practice": _cmd_practice, "build": _cmd_build, "download": _cmd_download, "snapshot": _cmd_snapshot,
                "validate": _cmd_validate, "info": _cmd_info, "demo": _cmd_demo, "wijkkaart": _cmd_wijkkaart}
    try:
        return handlers[args.command](args)
    except KbzDataError as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
