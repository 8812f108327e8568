"""Writes Fixtures/real/README.md and Fixtures/demo/README.md from what was recorded (manifest.json), so
the one-line description of every fixture always matches the run that produced it."""

from pathlib import Path

REAL_INTRO = """\
# Real Parsl client recordings

Everything here was sent by real Parsl releases installed from PyPI and run on CPython 3.11.7 (Linux),
recorded by `Scripts/capture-parsl-fixtures`. Do not edit these files by hand: regenerate them.

## Regenerating

```
apt-get install -y tcpdump          # if missing
Scripts/capture-parsl-fixtures      # all releases and the demo capture (about 10 minutes)
Scripts/capture-parsl-fixtures --releases 2024.7.1 --no-demo   # one release
Scripts/capture-parsl-fixtures --verify-only                   # re-check what is committed
```

It needs root (network namespace, tcpdump) and PyPI. Each release gets its own virtual environment under
`.build/parsl-venvs/RELEASE` (not committed), pinned by `RELEASE/pip-freeze.txt` (pass `--refresh-pins` to
let pip resolve afresh). The workflow (`Scripts/parsl_fixtures/workflow/workflow.py`) runs five python apps,
one of which raises, so a full end message reports 5 apps and 1 failure.

## Safety: nothing reaches the public tracker

- Each client runs inside a private network namespace (`unshare --net`) that has only a loopback
  interface: there is no route off the machine.
- Each virtual environment gets `parsl_capture_guard` (loaded by a `.pth` file at interpreter start, so in
  forked and spawned children and HTEX workers too): `tracking.parsl-project.org` resolves to 127.0.0.1 and
  any `sendto`, `sendmsg` or `connect` to a non-loopback address raises. The script proves the guard works in
  every environment before any run.
- The script receives on 127.0.0.1:50077 itself and records each datagram.

## Workaround for Parsl issue 4038

Releases from 2025 on (here 2026.10.26) start the usage messenger with
`SpawnProcess(target=udp_messenger)`. Spawning pickles the target; the target is the undecorated function,
while the module name `udp_messenger` is bound to its `@async_process` wrapper, so pickling fails and nothing
is ever sent (`Usage tracking failed: Can't pickle <function udp_messenger ...>: it's not the same object as
parsl.usage_tracking.usage.udp_messenger`). Forcing the fork start method does not help, since the messenger
asks for spawn explicitly. For capture, the workflow replaces `parsl.usage_tracking.usage.SpawnProcess` by
Parsl's own `ForkProcess` (what releases until late 2024 used), and says so on stderr; `manifest.json` records
it per run (`issue_4038_workaround_applied`). `2026.10.26/level3-threads-unpatched` is the same run without
the workaround: an empty wire and pcap, and a log holding both messages and the two pickling failures.

## Files

- `RELEASE/SCENARIO.wire`: one datagram payload per line, exactly the bytes received, in order.
- `RELEASE/SCENARIO.pcap`: tcpdump of `udp port 50077` on `lo` during that run (Ethernet link type, as Linux
  loopback is; no truncation).
- `RELEASE/SCENARIO.parsl.log`: the run's `runinfo/000/parsl.log`. One run per release keeps the whole log
  (marked *full log* below); the others keep the first 12 and last 6 lines and every line mentioning usage or
  tracking with two lines of context either side; each omitted stretch is replaced by one line
  `[capture-parsl-fixtures: N log lines omitted]`.
- `RELEASE/pip-freeze.txt`: the exact environment of that release's runs.
- `manifest.json`: per run, the release, generation, configuration, datagram count and whether the issue
  4038 workaround was applied. Level 0/off runs are kept on purpose: they must produce no datagram.

Releases G0-G2 write no message to `parsl.log` (only `Tracking status: True`); from G3 on the log holds each
message as a Python dict repr. Configuration and level are not in G0-G3 datagrams: read them from here.
"""


def write_real_readme(directory, manifest, releases):
    lines = [REAL_INTRO, "\n## Releases\n\n| release | generation | why it is here |\n|---|---|---|\n"]
    present = {entry["release"] for entry in manifest}
    for release in releases:
        if release.version in present:
            lines.append(f"| {release.version} | {release.generation} | {release.why} |\n")
    lines.append("\n## Fixtures\n\nEach name stands for its `.wire`, `.pcap` and `.parsl.log`.\n\n")
    current = None
    for entry in manifest:
        if entry["release"] != current:
            current = entry["release"]
            lines.append(f"\n### {current} ({entry['generation']})\n\n")
        details = [entry["description"], f"{entry['datagrams']} datagram(s)"]
        if entry["log"] == "full":
            details.append("full log")
        lines.append(f"- `{entry['release']}/{entry['scenario']}`: {'; '.join(details)}.\n")
    lines.append(DISCREPANCIES)
    (Path(directory) / "README.md").write_text("".join(lines))


DEMO_INTRO = """\
# Demo capture

`sample.pcap` is one real tcpdump capture (`-i lo udp port 50077`) taken while `Scripts/capture-parsl-fixtures`
ran the fixture workflow with several Parsl releases in a row, so it mixes protocol generations, levels and
real leaks the way traffic at a collector would. `make demo` runs `usage-audit check` on it.
`manifest.json` holds the same list as data. Regenerate with `Scripts/capture-parsl-fixtures` (it re-records
this capture unless `--no-demo`).

| packets | release (generation) | run |
|---|---|---|
"""

DEMO_NOTES = """
What an auditor should find in it:
- packet 1 is a G0 start message with `uname` and `hname`: the first 10 hex digits of the SHA-256 of the
  user name (`root`) and host name, reversible by trying common names.
- the 2024.5.6 run (G3, no levels) and the 2024.7.1 and 2024.10.14 runs with the user-defined provider
  report `acme_genomics_cluster.AcmeProvider`, the name of the user's own module and class, at level 3,
  with no level field at all, and at level 2.
- the G4 level-1 run sends only versions and platform; the newest release's run carries a `project_name`.
"""


def write_demo_readme(directory, runs):
    lines = [DEMO_INTRO]
    for run in runs:
        packets = run["packets"]
        span = f"{packets[0]}-{packets[-1]}" if len(packets) > 1 else (str(packets[0]) if packets else "none")
        lines.append(f"| {span} | {run['release']} ({run['generation']}) | {run['description']} |\n")
    lines.append(DEMO_NOTES)
    (Path(directory) / "README.md").write_text("".join(lines))


DISCREPANCIES = """
## Where the recordings differ from ../shared/reference/parsl-protocol.md

(Filled in from the verification of these recordings.)
"""
