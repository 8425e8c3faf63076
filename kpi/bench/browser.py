"""Benchmark in a real browser: ``python -m kpi bench browser [--scale N] [--json FILE]``.

What a person waits for, timed in Debian's Chromium (Playwright's sync API, /usr/bin/chromium,
every request beyond the loopback aborted) against ``streamlit run app.py -- --db DB`` on a
demo store of the scale (built once into the work folder, reused with --workdir):

- the cold first load: a new browser context (nothing cached in the browser) opens the app's
  URL, on a new data version (below), until the first page has finished;
- each page's first view and revisit, by clicking its link in the sidebar as a person does,
  from a light page (Impor data; Profil for Impor itself);
- the heaviest views behind a choice: Peta filtered to one province (the sidebar filter, set
  from the URL, then the Peta link), every library in Jelajah's table (the Tabel tab open, then
  the level Perpustakaan chosen), a library's profile (chosen in the picker, then "Buka
  profil"), and the Prioritas list filtered to one tier (the last other tier removed);
- two loads beside it, without a target: the first load after the server starts (a new
  server process and a new browser context: the first visitor after a deploy), and a new
  browser context on caches already warm (what the browser alone costs a returning visitor);
- the baseline, in the same browser and run: a one-line Streamlit app (kpi/ui/bench_baseline.py,
  two one-line pages in the same navigation) on a server of its own, loaded cold and clicked;
- the peak memory (RSS) of the app's server and its children (sampled from /proc every 0.2 s,
  and the kernel's own high-water mark VmHWM of the server).

A time runs from the click (the browser's click event; for the cold load, the navigation
start) until the script run has finished and the page is idle: the server's script-finished
message has arrived over the websocket with no run started after it (a page that reruns itself
is waited for), Streamlit's app element says connected and not running, every plotly chart on
screen is drawn (a map has loaded its style and sources), and two animation frames have passed
since, so the browser has painted. Nothing waits on a sleep. Script runs are read from the
websocket in the page (an init script counts the ForwardMsgs that start and finish a run):
the DOM's run state alone can miss a short run whose start and end the browser handles in one
frame, e.g. behind a map that is still drawing. Each row also gives, for its best sample, the
part until the run's end reached the browser (``until_run_end_seconds``): the rest is the
browser decoding and drawing what it received.

A first view is the first time anyone asks for a view on the current data: before each first
view, the hidden page /bench-new-data-version (kpi/ui/bench_browser.py, only registered when
the benchmark starts the server) does what an import's commit does, a new data version with
Streamlit's data caches cleared, on a server that stays warm; a fresh session then opens the
light page, and the timed click follows. A revisit is the same click again in that session after
going to the light page (or undoing the choice) and back: every cache filled. Best of 3 each
(``measure(repeat=...)``), the least disturbed by a shared machine; every sample is in the row.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kpi.bench import SuiteError
from kpi.bench.server import (
    CHROMIUM,
    app_pages,
    chromium,
    loopback_context,
    streamlit_server,
    tail,
)
from kpi.vocab import Tier

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext

from kpi.bench.tabs import (
    BASELINE_APP,
    BENCH_ENV,
    COLD_LOAD,
    INIT_JS,
    NEW_DATA_VERSION_PATH,
    START_LOAD,
    STEP_MS,
    TARGETS,
    WARM_LOAD,
    MemoryPeak,
    Sample,
    Tab,
    Timing,
    _sample,
    _t,
)
from kpi.bench.tabs import BENCH_ENV_VAR as BENCH_ENV_VAR
from kpi.bench.tabs import INSTALL_HINT as INSTALL_HINT
from kpi.bench.tabs import LANG as LANG

# ---------------------------------------------------------------------------------------------
# the views


@dataclass(frozen=True)
class View:
    """A view to time. ``prepare`` brings a fresh session to the moment before the timed click
    and returns that click; ``again`` goes back one step (untimed) and returns the same click."""

    name: str
    prepare: Callable[[Tab], Callable[[], None]]
    again: Callable[[Tab], Callable[[], None]]
    after: Callable[[Tab], None] | None = None


def _require_browser() -> None:
    """Playwright and Debian's chromium, or a SuiteError that says what to install."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        raise SuiteError(f"Playwright is not installed: {INSTALL_HINT}") from exc
    if not CHROMIUM.exists():
        raise SuiteError(f"{CHROMIUM} is missing: {INSTALL_HINT}")


def _page_view(stem: str) -> View:
    title = _t(f"page.{stem}")
    away_stem = "profil" if stem == "impor" else "impor"
    away = _t(f"page.{away_stem}")

    def prepare(tab: Tab) -> Callable[[], None]:
        tab.open(away_stem)
        return tab.link(title)

    def again(tab: Tab) -> Callable[[], None]:
        tab.nav(away)
        return tab.link(title)

    return View(stem, prepare, again)


def _heavy_views(sample: Sample) -> list[View]:
    peta, impor, jelajah, prioritas = (
        _t(f"page.{s}") for s in ("peta", "impor", "jelajah", "prioritas")
    )

    # Peta of one province: the sidebar filter (from the URL), then the Peta link
    def peta_prepare(tab: Tab) -> Callable[[], None]:
        tab.open(f"impor?provinsi={sample.provinsi}")
        return tab.link(peta)

    def peta_again(tab: Tab) -> Callable[[], None]:
        tab.nav(impor)  # the filter stays, as it does for a person
        return tab.link(peta)

    # every library in Jelajah's table: the Tabel tab open, then the level Perpustakaan
    level_label, libraries, provinces = (
        _t("jelajah.tingkat"),
        _t("jelajah.tingkat.perpustakaan"),
        _t("jelajah.tingkat.provinsi"),
    )

    def jelajah_prepare(tab: Tab) -> Callable[[], None]:
        tab.open("impor")
        tab.nav(jelajah)
        tab.timed(lambda: tab.page.get_by_role("tab", name=_t("jelajah.tab.table")).click())
        return tab.select(level_label, libraries)

    def jelajah_again(tab: Tab) -> Callable[[], None]:
        tab.timed(tab.select(level_label, provinces))
        return tab.select(level_label, libraries)

    # a library's profile: chosen in the picker (which starts at the sidebar's kab/kota)
    open_profile, change = _t("profil.picker.open"), _t("profil.picker.change")

    def open_button(tab: Tab) -> Callable[[], None]:
        return lambda: tab.page.get_by_role("button", name=open_profile).click()

    def profil_prepare(tab: Tab) -> Callable[[], None]:
        tab.open(f"profil?provinsi={sample.provinsi}&kab={sample.kabupaten_kota}")
        tab.timed(tab.select(_t("profil.picker.perpustakaan"), sample.perpustakaan))
        return open_button(tab)

    def profil_again(tab: Tab) -> Callable[[], None]:
        tab.timed(lambda: tab.page.get_by_role("button", name=change).click())
        if tab.page.get_by_role("button", name=open_profile).is_disabled():
            tab.timed(tab.select(_t("profil.picker.perpustakaan"), sample.perpustakaan))
        return open_button(tab)

    def profil_after(tab: Tab) -> None:
        # earlier quarter ends are evaluated in the background (a fragment shows them when
        # done): let that work end before the next measure, so it does not disturb it
        loading = tab.page.get_by_text(_t("profil.flags.loading"))
        loading.first.wait_for(state="detached", timeout=STEP_MS)

    # the Prioritas list of one tier: the other tiers removed, the last removal timed (the
    # choice starts at the tiers needing coaching, kpi.lapangan.DEFAULT_TIERS: no Pantau; the
    # timed tier has a short name: two long chips scroll the box and a click misses its cross)
    tiers_label = _t("prioritas.tiers")
    others = [_t(f"tier.{k}") for k in (Tier.PELAPORAN,)]
    last = _t(f"tier.{Tier.PRIORITAS_2}")

    def prioritas_prepare(tab: Tab) -> Callable[[], None]:
        tab.open("impor")
        tab.nav(prioritas)
        for tier in others:
            tab.timed(tab.remove_from_multiselect(tiers_label, tier))
        return tab.remove_from_multiselect(tiers_label, last)

    def prioritas_again(tab: Tab) -> Callable[[], None]:
        tab.timed(tab.add_to_multiselect(tiers_label, last))
        return tab.remove_from_multiselect(tiers_label, last)

    return [
        View("peta satu provinsi", peta_prepare, peta_again),
        View("jelajah tabel perpustakaan", jelajah_prepare, jelajah_again),
        View("profil perpustakaan", profil_prepare, profil_again, profil_after),
        View("prioritas satu tingkat", prioritas_prepare, prioritas_again),
    ]


def views_of(db: Path) -> list[View]:
    """Every view the suite times: the pages in app.py's order, then the views behind a choice."""
    pages = [_page_view(Path(p).stem) for p in app_pages()]
    return pages + _heavy_views(_sample(db))


# ---------------------------------------------------------------------------------------------
# the run


@contextmanager
def _context(browser: Browser) -> Iterator[BrowserContext]:
    """A new browser context (nothing cached) that reaches the loopback only."""
    context = loopback_context(browser, init_scripts=[INIT_JS])
    try:
        yield context
    finally:
        context.close()


def _screenshot(tab: Tab, path: Path) -> None:
    """What the page showed when a view could not be driven (for the message)."""
    with contextlib.suppress(Exception):  # the page may be gone: the error says what happened
        tab.page.screenshot(path=path, full_page=True)


def _best(samples: Sequence[Timing]) -> float:
    return min(t.seconds for t in samples)


def _row(
    name: str,
    samples: Sequence[Timing],
    baseline: tuple[str, float] | None,
    target: float | None,
) -> dict[str, Any]:
    best = min(samples, key=lambda t: t.seconds)
    seconds = round(best.seconds, 4)  # the browser's clock: 0.1 ms
    base_name, base_seconds = baseline if baseline else (None, None)
    return {
        "name": name,
        "seconds": seconds,
        "samples": [round(t.seconds, 4) for t in samples],
        # of the best sample: until the run's end reached the browser (the rest is drawing)
        "until_run_end_seconds": round(best.until_run_end, 4),
        "baseline": base_name,
        "baseline_seconds": base_seconds,
        "ratio": seconds / base_seconds if base_seconds else None,
        "target": target,
    }


def measure(
    workdir: Path,
    scale: int,
    *,
    repeat: int = 3,
    only: Sequence[str] | None = None,
    after_start: bool = True,
    log: Callable[[str], None] = lambda line: None,
) -> list[dict[str, Any]]:
    """The suite's rows. ``only`` keeps the views of those names (and the loads and the
    baseline); ``after_start`` adds the first load after a server start (3 more servers)."""
    _require_browser()
    workdir = Path(workdir)
    db = workdir / f"browser-x{scale}.duckdb"
    if not db.exists():
        from kpi.bench import in_child

        log(f"building the demo at scale {scale} into {db}")
        in_child("kpi.bench.engine:build", path=str(db), scale=scale)
    views = [v for v in views_of(db) if only is None or v.name in only]
    first_target, revisit_target, cold_target = TARGETS[1 if scale < 10 else 10]
    memory, base_memory = MemoryPeak(), MemoryPeak()
    rows: list[dict[str, Any]] = []
    app_log, base_log = workdir / "browser-app.log", workdir / "browser-baseline.log"
    (workdir / "browser-failure.png").unlink(missing_ok=True)
    current = ""
    try:
        with (
            chromium() as browser,
            streamlit_server(BASELINE_APP, base_log) as base,
            streamlit_server("app.py", app_log, db=db, env=BENCH_ENV) as app,
        ):
            memory.watch(app.pid)
            base_memory.watch(base.pid)
            # the baseline: the one-line app, loaded cold and clicked, in the same browser
            current = "baseline"
            with _context(browser) as ctx:
                Tab(ctx, base.url).open()  # the server's first session
            base_cold: list[Timing] = []
            for _ in range(repeat):
                with _context(browser) as ctx:
                    base_cold.append(Tab(ctx, base.url).open())
            base_click: list[Timing] = []
            with _context(browser) as ctx:
                tab = Tab(ctx, base.url)
                tab.open()
                for _ in range(repeat):
                    base_click.append(tab.nav("Dua"))
                    base_click.append(tab.nav("Satu"))
            baseline_rows = [
                _row("one-line Streamlit page: cold first load", base_cold, None, None),
                _row("one-line Streamlit page: sidebar click", base_click, None, None),
            ]
            cold_base, click_base = ((r["name"], r["seconds"]) for r in baseline_rows)
            base_memory.unwatch(base.pid)
            log(f"baseline: cold load {cold_base[1]:.3f} s, click {click_base[1]:.3f} s")

            with _context(browser) as ctx:
                tab = Tab(ctx, app.url)
                current = "warm-up"
                tab.open()  # the server's first session: imports, the store, the gazetteer

                versions: list[int] = []

                def new_data_version() -> None:
                    tab.open(NEW_DATA_VERSION_PATH)
                    text = tab.page.get_by_text(re.compile(r"^data version \d+$")).all_inner_texts()
                    if not text:  # the hidden page is not there: first views would be warm
                        raise SuiteError(
                            f"/{NEW_DATA_VERSION_PATH} did not answer: is the server running "
                            f"app.py with {BENCH_ENV}?"
                        )
                    version = int(text[0].split()[-1])
                    if versions and version <= versions[-1]:
                        raise SuiteError(f"the data version did not go up ({versions[-1]})")
                    versions.append(version)

                def load(before: Callable[[], None] | None = None) -> Timing:
                    """A first load in a new browser context (after ``before``)."""
                    if before:
                        before()
                    with _context(browser) as fresh:
                        return Tab(fresh, app.url).open()

                current = "cold first load"
                cold = [load(new_data_version) for _ in range(repeat)]
                rows.append(_row(COLD_LOAD, cold, cold_base, cold_target))
                current = "first load, server caches warm"
                warm = [load() for _ in range(repeat)]
                rows.append(_row(WARM_LOAD, warm, cold_base, None))
                log(f"cold first load {_best(cold):.3f} s, on warm caches {_best(warm):.3f} s")

                for view in views:
                    current = view.name
                    firsts: list[Timing] = []
                    revisits: list[Timing] = []
                    try:
                        for _ in range(repeat):
                            new_data_version()
                            firsts.append(tab.timed(view.prepare(tab)))
                            if view.after:
                                view.after(tab)
                        for _ in range(repeat):
                            revisits.append(tab.timed(view.again(tab)))
                            if view.after:
                                view.after(tab)
                    except Exception:
                        _screenshot(tab, workdir / "browser-failure.png")
                        raise
                    rows.append(
                        _row(f"page {view.name}: first view", firsts, click_base, first_target)
                    )
                    rows.append(
                        _row(f"page {view.name}: revisit", revisits, click_base, revisit_target)
                    )
                    log(
                        f"{view.name}: {_best(firsts):.3f} s first, {_best(revisits):.3f} s revisit"
                    )
            memory.unwatch(app.pid)

        if after_start:
            current = "first load after the server starts"
            starts: list[Timing] = []
            with chromium() as browser:
                for i in range(repeat):
                    with streamlit_server(
                        "app.py", workdir / f"browser-app-start{i}.log", db=db, env=BENCH_ENV
                    ) as app:
                        memory.watch(app.pid)
                        with _context(browser) as ctx:
                            starts.append(Tab(ctx, app.url).open())
                        memory.unwatch(app.pid)
            rows.append(_row(START_LOAD, starts, cold_base, None))
            log(f"{current}: {_best(starts):.3f} s")
    except SuiteError:
        raise
    except Exception as exc:  # a view that cannot be driven: say which, with the server's log
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
        shot = workdir / "browser-failure.png"
        raise SuiteError(
            f"the browser suite failed at {current!r}: {first_line}\n"
            + (f"the page then: {shot}\n" if shot.exists() else "")
            + f"server log ({app_log}):\n{tail(app_log, 20)}"
        ) from exc
    finally:
        memory.close()
        base_memory.close()

    for row in rows:
        row["peak_mb"] = memory.peak_mb
    for row in baseline_rows:
        row["peak_mb"] = base_memory.peak_mb
    return baseline_rows + rows


def run(workdir: Path, scale: int) -> list[dict[str, Any]]:
    return measure(workdir, scale, log=lambda line: print(f"browser: {line}", flush=True))
