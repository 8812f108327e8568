"""Runs one workflow with one Parsl release and records what its usage tracking sends.

Each run gets: a loopback UDP receiver (the datagrams exactly as received, in order), a tcpdump capture of
`udp port 50077` on `lo`, and the run's parsl.log. The receiver lives for the whole capture session; a run
only takes the datagrams that arrived between its start and the end of its settle time.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

TRACKER_PORT = 50077
WORKFLOW_DIR = Path(__file__).resolve().parent / "workflow"
RUN_TIMEOUT_SECONDS = 240
# Messenger processes outlive DataFlowKernel.cleanup() by a few milliseconds (and are joined for up to 10 s
# in releases from 2024.3); this is how long the capture keeps listening after the workflow has exited.
SETTLE_SECONDS = 1.0
RUN_MARKER = "PARSL_CAPTURE_RUN"


class CaptureError(Exception):
    pass


class LoopbackReceiver:
    """The stand-in tracker: a UDP socket on 127.0.0.1:50077 that keeps every datagram it receives."""

    def __init__(self, port=TRACKER_PORT):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * 1024 * 1024)
        try:
            self.sock.bind(("127.0.0.1", port))
        except OSError as error:
            raise CaptureError(f"cannot receive on 127.0.0.1:{port}: {error}") from None
        self.sock.settimeout(0.2)
        self.lock = threading.Lock()
        self.datagrams = []
        self.stopping = False
        self.thread = threading.Thread(target=self._receive, name="loopback-receiver", daemon=True)
        self.thread.start()

    def _receive(self):
        while not self.stopping:
            try:
                payload, source = self.sock.recvfrom(65535)
            except socket.timeout:
                continue
            with self.lock:
                self.datagrams.append((time.time(), payload, source))

    def take(self):
        """Returns the datagrams received since the last call, oldest first, and forgets them."""
        with self.lock:
            taken, self.datagrams = self.datagrams, []
        return taken

    def close(self):
        self.stopping = True
        self.thread.join()
        self.sock.close()


class Tcpdump:
    """tcpdump on lo for `udp port 50077`, writing packets to a pcap file as they arrive (-U)."""

    def __init__(self, pcap_path):
        self.path = Path(pcap_path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        command = ["tcpdump", "-i", "lo", "-n", "-U", "-Z", "root", "-s", "0", "-w", str(self.path),
                   "udp", "port", str(TRACKER_PORT)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        # tcpdump says "listening on lo" once the capture is armed; nothing sent before that is lost.
        deadline = time.time() + 10
        line = ""
        while time.time() < deadline:
            line = self.process.stderr.readline()
            if "listening on" in line or not line:
                break
        if "listening on" not in line:
            self.process.kill()
            raise CaptureError(f"tcpdump did not start capturing for {self.path}: {line.strip()!r}")

    def stop(self):
        """Stops the capture and returns tcpdump's own packet count line ('N packets captured')."""
        self.process.send_signal(signal.SIGINT)
        try:
            _, rest = self.process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise CaptureError(f"tcpdump did not stop for {self.path}") from None
        return " ".join(line for line in rest.splitlines() if "captured" in line or "dropped" in line)


def venv_python(venv):
    return Path(venv) / "bin" / "python"


def run_workflow(venv, scenario, run_dir):
    """Runs workflow.py under the release's interpreter; returns (exit status, stderr text)."""
    if run_dir.exists():
        shutil.rmtree(run_dir)
    run_dir.mkdir(parents=True)
    arguments = {"run_dir": str(run_dir), "executor": scenario.executor,
                 "usage_tracking": scenario.usage_tracking, "project_name": scenario.project_name,
                 "acme": scenario.acme, "fork_usage_messenger": scenario.fork_usage_messenger,
                 "spawn_usage_messenger": scenario.spawn_usage_messenger,
                 "workflows": scenario.workflows}
    # The worker pool command (process_worker_pool.py) is found on PATH, so the venv's bin comes first.
    environment = {"PATH": f"{Path(venv) / 'bin'}:/usr/local/bin:/usr/bin:/bin", "HOME": os.environ.get("HOME", "/root"),
                   "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1", "VIRTUAL_ENV": str(venv)}
    # Every process of the run inherits this marker, so what it leaves behind (interchange, worker pools,
    # which start sessions of their own) can be found and ended by process id afterwards.
    marker = f"{RUN_MARKER}={uuid.uuid4()}"
    environment[RUN_MARKER] = marker.split("=", 1)[1]
    command = [str(venv_python(venv)), str(WORKFLOW_DIR / "workflow.py"), json.dumps(arguments)]
    process = subprocess.Popen(command,
                               cwd=str(run_dir), env=environment, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        output, _ = process.communicate(timeout=RUN_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
        return None, output
    finally:
        time.sleep(SETTLE_SECONDS)
        end_leftovers(marker.encode())
    return process.returncode, output


def end_leftovers(marker):
    """SIGKILLs, one process id at a time, every process whose environment holds this run's marker."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environment = (entry / "environ").read_bytes()
        except OSError:
            continue
        if marker in environment.split(b"\0"):
            try:
                os.kill(int(entry.name), signal.SIGKILL)
            except ProcessLookupError:
                pass


USAGE_LINE = re.compile(r"usage|tracking", re.IGNORECASE)
HEAD_LINES = 12
TAIL_LINES = 6
CONTEXT_LINES = 2


def trimmed_log(lines):
    """The lines that matter to usage tracking, with enough around them to stay a realistic parsl.log: the
    first lines, every line mentioning usage or tracking with two lines either side, and the last lines.
    Each omitted stretch becomes one marker line, which no Parsl log line resembles."""
    keep = set(range(min(HEAD_LINES, len(lines)))) | set(range(max(0, len(lines) - TAIL_LINES), len(lines)))
    for index, line in enumerate(lines):
        if USAGE_LINE.search(line):
            keep.update(range(max(0, index - CONTEXT_LINES), min(len(lines), index + CONTEXT_LINES + 1)))
    result = []
    omitted = 0
    for index, line in enumerate(lines):
        if index in keep:
            if omitted:
                result.append(f"[capture-parsl-fixtures: {omitted} log lines omitted]\n")
                omitted = 0
            result.append(line)
        else:
            omitted += 1
    if omitted:
        result.append(f"[capture-parsl-fixtures: {omitted} log lines omitted]\n")
    return result


def write_wire(path, datagrams):
    """One payload per line, exactly the bytes received. A payload holding a newline could not be told
    apart from two lines, so it is an error (json.dumps never writes one)."""
    with open(path, "wb") as wire:
        for _, payload, _ in datagrams:
            if b"\n" in payload:
                raise CaptureError(f"{path}: a datagram holds a newline byte and cannot be one wire line")
            wire.write(payload + b"\n")


WORKFLOW_OUTCOME = "outcomes [3, 7, 25, 'ValueError', 9]"
# A run whose workflow failed (for instance an HTEX worker pool that could not reach its interchange in
# time on a loaded machine) is repeated up to this many times; parsl_capture_probe_fix removes the usual
# cause of that for 2023-2024 releases.
MAX_WORKFLOW_FAILURES = 6


def attempt_run(venv, release, scenario, base, receiver, run_dir, record_pcap):
    """One run of the workflow: (workflow output, datagrams, tcpdump summary, seconds, the lines of each
    workflow's parsl.log in run order)."""
    receiver.take()
    tcpdump = Tcpdump(f"{base}.pcap") if record_pcap else None
    started = time.time()
    try:
        status, output = run_workflow(venv, scenario, run_dir)
    finally:
        tcpdump_summary = tcpdump.stop() if tcpdump else ""
    datagrams = receiver.take()
    elapsed = time.time() - started
    if status != 0 or output.count(WORKFLOW_OUTCOME) != scenario.workflows:
        raise CaptureError(f"{release.version} {scenario.name}: workflow exited with {status}:\n{output[-3000:]}")
    logs = []
    for number in range(scenario.workflows):
        log_path = run_dir / f"{number:03d}" / "parsl.log"
        if not log_path.is_file():
            raise CaptureError(f"{release.version} {scenario.name}: no parsl.log at {log_path}")
        logs.append(log_path.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True))
    return output, datagrams, tcpdump_summary, elapsed, logs


def reordered_sessions(datagrams):
    """How many sessions' end datagram arrived before their start. A G4+ start carries `tracking_level`, an
    end `end`; both carry the session's `correlator`. Datagrams that do not decode count for nothing."""
    started, reordered = set(), 0
    for _, payload, _ in datagrams:
        try:
            message = json.loads(payload[1:] if payload[:1] == b"1" else payload)
        except ValueError:
            continue
        if not isinstance(message, dict):
            continue
        correlator = message.get("correlator", message.get("uuid"))
        if "end" in message and correlator not in started:
            reordered += 1
        elif "end" not in message:
            started.add(correlator)
    return reordered


def capture_run(venv, release, scenario, out_dir, receiver, work_root, record_pcap=True, keep_files=True,
                max_attempts=1):
    """Runs one scenario and writes NAME.wire, NAME.pcap and NAME.parsl.log under out_dir (a run of several
    workflows keeps its logs as they lie in runinfo: NAME.runinfo/000/parsl.log, 001/...). A run whose
    workflow failed, or (with scenario.want_datagrams) that delivered another number of datagrams, or (with
    scenario.want_reorder) whose every end arrived after its start, is repeated up to max_attempts times.
    Returns a manifest entry (a dict) describing the kept run."""
    base = Path(out_dir) / scenario.name
    attempts = failures = 0
    while True:
        attempts += 1
        run_dir = Path(work_root) / release.version / scenario.name / f"attempt-{attempts}"
        try:
            output, datagrams, tcpdump_summary, elapsed, logs = attempt_run(
                venv, release, scenario, base, receiver, run_dir, record_pcap)
        except CaptureError as error:
            failures += 1
            if failures >= MAX_WORKFLOW_FAILURES or attempts >= max_attempts:
                raise
            print(f"capture-parsl-fixtures: retrying after a failed run: {str(error)[:200]}", flush=True)
            continue
        wanted = scenario.want_datagrams
        count_ok = wanted is None or len(datagrams) == wanted
        reorder_ok = not scenario.want_reorder or reordered_sessions(datagrams) > 0
        if (count_ok and reorder_ok) or attempts >= max_attempts:
            break
        print(f"capture-parsl-fixtures: {scenario.name}: attempt {attempts}: {len(datagrams)} datagram(s), "
              f"{reordered_sessions(datagrams)} end(s) ahead of their start; again", flush=True)
    if keep_files:
        write_wire(f"{base}.wire", datagrams)
        if scenario.workflows == 1:
            kept = logs[0] if scenario.full_log else trimmed_log(logs[0])
            Path(f"{base}.parsl.log").write_text("".join(kept), encoding="utf-8")
        else:
            runinfo = Path(f"{base}.runinfo")
            shutil.rmtree(runinfo, ignore_errors=True)
            for number, lines in enumerate(logs):
                path = runinfo / f"{number:03d}" / "parsl.log"
                path.parent.mkdir(parents=True)
                kept = lines if scenario.full_log else trimmed_log(lines)
                path.write_text("".join(kept), encoding="utf-8")
    return {
        "release": release.version,
        "generation": release.generation,
        "scenario": scenario.name,
        "description": scenario.describe(),
        "executor": scenario.executor,
        "usage_tracking": scenario.usage_tracking,
        "project_name": scenario.project_name,
        "acme_provider": scenario.acme,
        "issue_4038_workaround_applied": "issue 4038 workaround applied" in output,
        "datagrams": len(datagrams),
        "attempts": attempts,
        "log": "full" if scenario.full_log else
               f"trimmed ({' and '.join(str(len(lines)) for lines in logs)} lines in the original)",
        "workflows": scenario.workflows,
        "ends_before_start": reordered_sessions(datagrams),
        "tcpdump": tcpdump_summary,
        "seconds": round(elapsed, 1),
    }
