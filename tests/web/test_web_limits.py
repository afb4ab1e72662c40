"""Issue 21, class 8: `cfc serve` cannot be exhausted. A real server process (`cfc serve` on 127.0.0.1) is
given repeated uploads and its memory must stay bounded (uploads are kept within --keep-mb, not by count); a
long document is cancelled when its client goes away (the server's CPU falls idle) and when the server is
stopped (SIGTERM: the process exits within seconds, not when the last page is laid out)."""
from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from engine.criteria.model import load_criteria
from engine.history import History
from engine.web import downloads
from engine.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`cfc serve` as a person starts it, on a free local port."""

    def __init__(self, tmp_path: Path, *options: str):
        self.port = free_port()
        command = [sys.executable, str(ROOT / "cli.py"), "serve", "--port", str(self.port),
                   "--db", str(tmp_path / "history.sqlite3"), *options]
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                        start_new_session=True)
        deadline = time.monotonic() + 60
        while True:
            try:
                if self.request("GET", "/", timeout=5)[0] == 200:
                    break
            except OSError:
                pass
            assert self.process.poll() is None, self.process.stderr.read().decode()
            assert time.monotonic() < deadline, "the server never answered"
            time.sleep(0.2)

    def request(self, method: str, path: str, body: bytes = b"", headers: dict | None = None,
                timeout: float = 300) -> tuple[int, bytes, dict]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            origin = {"Origin": f"http://127.0.0.1:{self.port}"} if method == "POST" else {}
            connection.request(method, path, body=body, headers={**origin, **(headers or {})})
            response = connection.getresponse()
            return response.status, response.read(), dict(response.getheaders())
        finally:
            connection.close()

    def upload(self, path: Path) -> str:
        """POST /upload like the page's form; the board's address."""
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{path.name}\"\r\n"
                f"Content-Type: text/csv\r\n\r\n").encode() + path.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
        status, page, headers = self.request("POST", "/upload", body,
                                             {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        assert status in (200, 303), (status, page[:300])
        found = re.search(r"/board/[A-Za-z0-9_-]+", headers.get("location", "") + page.decode("utf-8", "replace"))
        assert found, page[:500]
        return found.group()

    def rss_mb(self) -> float:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def units_csv(tmp_path_factory) -> dict[int, Path]:
    """Synthetic areas (bench/generate.py) of 1,000 and 1,500 units."""
    folder = tmp_path_factory.mktemp("areas")
    made = {}
    for count in (1000, 1500):
        path = folder / f"area-{count}.csv"
        subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "--units", str(count), "--seed", "3",
                        "-o", str(path)], cwd=ROOT, check=True, capture_output=True, timeout=300)
        made[count] = path
    return made


@pytest.fixture()
def server(tmp_path, request):
    running = []

    def start(*options: str) -> Server:
        running.append(Server(tmp_path, *options))
        return running[-1]

    yield start
    for each in running:
        each.stop()


def test_repeated_uploads_keep_the_servers_memory_bounded(server, units_csv):
    """Eight uploads of 1,000 units (about 13 MB kept each) into a server keeping 20 MB: the memory after the
    eighth is that after the third, give or take what Python does not hand back; kept by count (the old 20
    boards), it grew by ~20 MB an upload."""
    web = server("--keep-mb", "20")
    boards, memory = [], []
    for _ in range(8):
        boards.append(web.upload(units_csv[1000]))
        memory.append(web.rss_mb())
    assert max(memory[3:]) - memory[2] < 45, memory
    assert web.request("GET", boards[-1])[0] == 200        # the newest is kept
    assert web.request("GET", boards[0])[0] == 404         # the oldest was forgotten to make room
    assert web.request("GET", boards[0] + "/file")[0] == 404


def _long_document(web: Server, board: str, timeout: float, outcome: list) -> None:
    try:
        outcome.append(web.request("GET", board + "/appraisal.pdf", timeout=timeout)[0])
    except OSError as error:  # timed out (the client gives up), or the server closed the connection
        outcome.append(error)


def test_a_document_whose_client_went_away_stops(server, units_csv):
    web = server()
    board = web.upload(units_csv[1500])
    outcome: list = []
    client = threading.Thread(target=_long_document, args=(web, board, 4, outcome))
    client.start()
    client.join()
    assert outcome and isinstance(outcome[0], OSError)  # the client gave up after 4 s: the layout takes longer
    time.sleep(2)  # the job notices at its next page
    before = web.cpu_seconds()
    time.sleep(4)
    assert web.cpu_seconds() - before < 0.8  # idle: nobody lays out a document nobody will read
    assert web.request("GET", "/")[0] == 200


def test_sigterm_during_a_long_document_stops_the_server_promptly(server, units_csv):
    web = server()
    board = web.upload(units_csv[1500])
    outcome: list = []
    client = threading.Thread(target=_long_document, args=(web, board, 300, outcome), daemon=True)
    client.start()
    time.sleep(3)  # well into the layout (about half a minute of work here)
    assert web.process.poll() is None and not outcome
    asked = time.monotonic()
    web.process.send_signal(signal.SIGTERM)
    web.process.wait(timeout=30)
    took = time.monotonic() - asked
    assert took < 10, f"the server took {took:.1f} s to stop"
    client.join(timeout=10)
    assert outcome and (outcome[0] == 503 or isinstance(outcome[0], OSError))  # never a PDF after the stop


def test_a_board_too_large_for_a_document_on_the_page_points_to_the_command(tmp_path, monkeypatch):
    monkeypatch.setattr(downloads, "DOCUMENT_UNITS", 3)
    client = TestClient(create_app(load_criteria(), History(tmp_path / "h.sqlite3")))
    sample = ROOT / "evaluations" / "sample-area" / "units.csv"
    upload = client.post("/upload", files={"file": ("units.csv", sample.read_bytes(), "text/csv")})
    board = re.search(r"/board/[A-Za-z0-9_-]+", str(upload.url) + upload.text).group()
    refused = client.get(board + "/appraisal.pdf?lang=en")
    assert refused.status_code == 413
    assert "15 units, more than the 3" in refused.text and "cfc report appraisal units.csv" in refused.text


def test_boards_are_kept_by_memory_not_by_count():
    from engine.web.uploads import UNIT_BYTES, Boards, Upload

    boards = Boards(keep_bytes=10 * UNIT_BYTES)
    small = [boards.add(Upload("a.csv", b"x", results=[object()] * 2)) for _ in range(30)]
    assert boards.get(small[-1]) is not None and boards.get(small[0]) is None
    assert boards.kept <= 10 * UNIT_BYTES
    big = boards.add(Upload("big.csv", b"x", results=[object()] * 50))  # alone above the budget: still kept
    assert boards.get(big) is not None and all(boards.get(b) is None for b in small)


def test_uploads_arriving_together_are_read_a_few_at_a_time(tmp_path, monkeypatch):
    """Reading a 10 MB upload holds several hundred MB for a while: eight arriving at once were read by eight
    worker threads at once. They now take turns, READS at a time, and every one is still read."""
    from engine.web import jobs, pages
    from engine.web.uploads import read_upload

    reading, most, lock = [0], [0], threading.Lock()

    def slow_read(*args):
        with lock:
            reading[0] += 1
            most[0] = max(most[0], reading[0])
        time.sleep(0.3)
        try:
            return read_upload(*args)
        finally:
            with lock:
                reading[0] -= 1

    monkeypatch.setattr(pages, "read_upload", slow_read)
    sample = (ROOT / "evaluations" / "sample-area" / "units.csv").read_bytes()
    answers: list[int] = []
    with TestClient(create_app(load_criteria(), History(tmp_path / "h.sqlite3"))) as client:
        def upload() -> None:
            answer = client.post("/upload", files={"file": ("units.csv", sample)}, follow_redirects=False)
            answers.append(answer.status_code)

        senders = [threading.Thread(target=upload) for _ in range(8)]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join(timeout=120)
    assert answers == [303] * 8
    assert most[0] == jobs.READS == 2, most
