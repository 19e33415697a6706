"""`perfdsl serve` on the benchmark corpus: start-up, page latency and the delay from a saved file to the
event that updates open pages, each against a baseline measured in the same run.

    python benchmarks/serve.py [--projects N] [--repeat R] [--markdown]

1. **start-up**: `perfdsl serve --port 0 CORPUS` until it prints its URL (reading and checking every spec),
   against `perfdsl check CORPUS` as a process (the same reading and checking, and nothing else);
2. **overview**: `GET /` (every project grouped, with counts) once started, against the build's index page
   (`backends.html.render_index`) of the same projects rendered in one process;
3. **project page**: `GET /project/…` (the form, its diagnostics, the years around it), against
   `perfdsl.render(spec, "html")` of the same project (the build's page);
4. **filtered overview**: `GET /?q=…` (text search over names, indicators and prose);
5. **live reload**: from a spec written on disk to the event on `/events`, against watchfiles alone (its
   `watch` with the server's settings, in one process): what the server adds to the watcher's own delay.
"""

from __future__ import annotations

import argparse
import http.client
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(HERE.parent))

from corpus import write_corpus  # noqa: E402


def best(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def get(port: int, path: str) -> bytes:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path)
    r = conn.getresponse()
    body = r.read()
    conn.close()
    assert r.status == 200, (path, r.status)
    return body


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    import perfdsl
    from perfdsl.backends.html import render_index
    from perfdsl.backends.view import index_entry

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        files = write_corpus(corpus, args.projects)
        size = sum(f.stat().st_size for f in files) / 1e6
        cmd = [sys.executable, "-m", "perfdsl"]
        # start-up: the median of alternating pairs (the machines are shared; a pair sees the same load)
        checks, starts = [], []
        for n in range(3):
            t = time.perf_counter()
            subprocess.run([*cmd, "check", str(corpus)], capture_output=True)
            checks.append(time.perf_counter() - t)
            t = time.perf_counter()
            proc, port = start(cmd, corpus)
            starts.append(time.perf_counter() - t)
            if n < 2:
                get(port, "/")  # up and serving before it is stopped
                proc.terminate()
                proc.wait(30)
        check_s, start_s = statistics.median(checks), statistics.median(starts)
        try:
            first_s = best(lambda: get(port, "/"), 1)
            overview_s = best(lambda: get(port, "/"), args.repeat)
            path = "/project/" + urllib.parse.quote(files[len(files) // 2].relative_to(corpus).as_posix())
            project_s = best(lambda: get(port, path), args.repeat)
            search_s = best(lambda: get(port, "/?q=" + urllib.parse.quote("满意度")), args.repeat)
            specs = [perfdsl.load(f) for f in files]
            index_s = best(lambda: render_index([index_entry(s, p, s.file, (("html", "x.html"),))
                                                 for s in specs for p in s.projects]), args.repeat)
            middle = specs[len(specs) // 2]
            page_s = best(lambda: perfdsl.render(middle, "html"), args.repeat)
            reload_s = live_reload(port, files[0], args.repeat)
            watcher_s = watcher_alone(files[1], args.repeat)
        finally:
            proc.terminate()
            proc.wait(30)
    rows = [
        ("start-up (`perfdsl serve` until its URL)", f"{start_s:.2f} s", f"`perfdsl check` {check_s:.2f} s",
         start_s / check_s),
        ("overview `GET /` (first, then best)", f"{first_s * 1000:.0f} ms, {overview_s * 1000:.0f} ms",
         f"build's index page {index_s * 1000:.0f} ms", overview_s / index_s),
        ("project page `GET /project/…`", f"{project_s * 1000:.1f} ms", f"build's page {page_s * 1000:.1f} ms",
         project_s / page_s),
        ("overview searched `GET /?q=满意度`", f"{search_s * 1000:.0f} ms", f"overview {overview_s * 1000:.0f} ms",
         search_s / overview_s),
        ("live reload: file saved → event", f"{reload_s * 1000:.0f} ms",
         f"watchfiles alone, same settings {watcher_s * 1000:.0f} ms", reload_s / watcher_s),
    ]
    print(f"{args.projects} projects, {size:.1f} MB; Python {platform.python_version()}, {platform.machine()}")
    if args.markdown:
        print("| figure | perfdsl serve | baseline | ratio |\n| --- | --- | --- | --- |")
        for name, ours, base, ratio in rows:
            print(f"| {name} | {ours} | {base} | {ratio:.2f} |")
    else:
        for name, ours, base, ratio in rows:
            print(f"{name}: {ours} (baseline {base}; ratio {ratio:.2f})")
    return 0


def start(cmd: list[str], corpus: Path) -> tuple[subprocess.Popen[str], int]:
    proc = subprocess.Popen([*cmd, "serve", "--port", "0", str(corpus)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    for line in proc.stdout:
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if found:
            return proc, int(found.group(1))
    raise SystemExit("perfdsl serve printed no URL")


def watcher_alone(spec: Path, repeat: int) -> float:
    """From writing a file to watchfiles' event for it, with the debounce and step the server uses."""
    import threading

    from watchfiles import watch

    stop = threading.Event()
    seen = threading.Event()

    def follow() -> None:
        for _ in watch(spec.parent, debounce=100, step=30, stop_event=stop):
            seen.set()

    thread = threading.Thread(target=follow)
    thread.start()
    time.sleep(0.5)
    text = spec.read_text(encoding="utf-8")
    times = []
    for n in range(repeat):
        seen.clear()
        t = time.perf_counter()
        spec.write_text(text + f"# edit {n}\n", encoding="utf-8")
        seen.wait(10)
        times.append(time.perf_counter() - t)
        time.sleep(0.3)
    stop.set()
    thread.join()
    return min(times)


def live_reload(port: int, spec: Path, repeat: int) -> float:
    """From writing a spec to its event on the stream (best of `repeat`)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/events")
    stream = conn.getresponse()
    stream.readline()  # the version at connection
    stream.readline()
    text = spec.read_text(encoding="utf-8")
    times = []
    for n in range(repeat):
        t = time.perf_counter()
        spec.write_text(text + f"# edit {n}\n", encoding="utf-8")
        while not stream.readline().startswith(b"data: "):
            pass
        times.append(time.perf_counter() - t)
        stream.readline()
        time.sleep(0.3)
    conn.close()
    return min(times)


if __name__ == "__main__":
    raise SystemExit(main())
