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
Scripts/capture-parsl-fixtures      # all releases and the demo capture (about 15 minutes on this 2-core machine)
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

Newer releases (here 2026.10.26; 2024.10.14 still forks) start the usage messenger with
`SpawnProcess(target=udp_messenger)`. Spawning pickles the target; the target is the undecorated function,
while the module name `udp_messenger` is bound to its `@async_process` wrapper, so pickling fails and nothing
is ever sent (`Usage tracking failed: Can't pickle <function udp_messenger ...>: it's not the same object as
parsl.usage_tracking.usage.udp_messenger`). Forcing the fork start method does not help, since the messenger
asks for spawn explicitly. For capture, the workflow replaces `parsl.usage_tracking.usage.SpawnProcess` by
Parsl's own `ForkProcess` (what releases until late 2024 used), and says so on stderr; `manifest.json` records
it per run (`issue_4038_workaround_applied`). `2026.10.26/level3-threads-unpatched` is the same run without
the workaround: an empty wire and pcap, and a log holding both messages and the two pickling failures.

`2026.10.26/two-workflows` uses a second workaround that keeps the spawn start method: the messenger's
target becomes `spawned_usage_messenger.udp_messenger` (in `Scripts/parsl_fixtures/workflow/`), which pickles
by its own name and runs Parsl's undecorated `udp_messenger` in the spawned interpreter. Each message then
leaves from a fresh interpreter that must import Parsl before it sends, as in a release whose spawn works;
with the fork workaround the messenger sends at once, and the end of a short run never overtook its start
(0 of 12 attempts here).

## Workaround for flaky HTEX worker pools (2023.4.24 - 2024.10.14)

Those releases' worker pool probes the interchange address by connecting a ZMQ socket and only then
attaching the monitor that should see the connection; on a loaded machine the event is missed, the pool
gives up ("Failed to find a viable address to connect to interchange") and every task fails. The
environments therefore also load `parsl_capture_probe_fix`, which replaces that one function (only where it
has the old signature) by the same logic with the monitor attached first. It touches nothing that usage
tracking sends. The workflow also shortens `address_probe_timeout` to 5 s, and a run whose workflow still
fails is repeated (up to 6 times).

## Files

- `RELEASE/SCENARIO.wire`: one datagram payload per line, exactly the bytes received, in order.
- `RELEASE/SCENARIO.pcap`: tcpdump of `udp port 50077` on `lo` during that run (Ethernet link type, as Linux
  loopback is; no truncation).
- `RELEASE/SCENARIO.parsl.log`: the run's `runinfo/000/parsl.log`. One run per release keeps the whole log
  (marked *full log* below); the others keep the first 12 and last 6 lines and every line mentioning usage or
  tracking with two lines of context either side; each omitted stretch is replaced by one line
  `[capture-parsl-fixtures: N log lines omitted]`.
- `RELEASE/SCENARIO.runinfo/NNN/parsl.log`: instead of `SCENARIO.parsl.log` for a run of several workflows
  in one process, each workflow's log where Parsl puts it (`runinfo/000`, `runinfo/001`), trimmed the same way.
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
        if entry["issue_4038_workaround_applied"]:
            details.append("issue 4038 workaround")
        if entry.get("attempts", 1) > 1:
            details.append(f"kept run {entry['attempts']}")
        if entry["log"] == "full":
            details.append("full log")
        if entry.get("workflows", 1) > 1:
            details.append(f"logs in `{entry['scenario']}.runinfo/000` to `{entry['workflows'] - 1:03d}`")
            reorder = (f"{entry.get('ends_before_start', 0)} of {entry['workflows']} end datagrams arrived "
                       "before their start")
            if entry.get("want_reorder"):
                reorder += " (the run is repeated until one does)"
            details.append(reorder)
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
- packet 1 is a G0 start message with `uname` `4813494d13` and `hname` `5bce98f73f`: the first 10 hex digits
  of the SHA-256 of the user name `root` and of the host name `vm`, reversible by trying common names.
- the runs with the user-defined provider report `acme_genomics_cluster.AcmeProvider`, the name of the
  user's own module and class: 2024.5.6 (G3, no `tracking_level` field at all), 2024.7.1 at level 3 (start
  and end) and 2024.10.14 at level 2.
- the G4 level-1 run sends only versions and platform; the newest release's run carries a `project_name`.
"""


def write_demo_readme(directory, runs):
    lines = [DEMO_INTRO]
    for run in runs:
        packets = run["packets"]
        span = f"{packets[0]}-{packets[-1]}" if len(packets) > 1 else (str(packets[0]) if packets else "none")
        workaround = " (issue 4038 workaround)" if run["issue_4038_workaround_applied"] else ""
        lines.append(f"| {span} | {run['release']} ({run['generation']}) | {run['description']}{workaround} |\n")
    lines.append(DEMO_NOTES)
    for run in runs:
        if run["generation"] in ("G0", "G1") and run["datagrams"] == 1:
            lines.append(f"- the {run['release']} run's end message was lost (the client SIGTERMs its messenger "
                         "right after forking it): its session has a start and no end.\n")
    (Path(directory) / "README.md").write_text("".join(lines))


DISCREPANCIES = """
## Where the recordings differ from docs/protocol.md

Checked by `Scripts/capture-parsl-fixtures --verify-only` (`Scripts/parsl_fixtures/verify.py`), which decodes
every datagram and compares keys, key order, types, counts, pcap and log against each release's source.

1. `parsl_v` is Parsl's own `VERSION` string, zero-padded (`"2023.04.24"`, `"2024.07.01"`), not the PyPI
   version (`2023.4.24`); only releases whose month and day have two digits look alike (`"2024.10.14"`).
2. The G0/G1 end message is usually lost: `DataFlowKernel.cleanup()` forks the messenger for the end message
   and immediately calls `UsageTracker.close()`, which SIGTERMs every messenger. With threads, 2023.4.24 lost
   it in 12 of 12 attempts here (so `2023.4.24/on-threads` holds only a start message); the script repeats
   G0/G1 runs up to 12 times to record one where it got out (`attempts` in manifest.json), and keeps one
   `on-threads-end-lost` run per release on purpose. From 2024.3 on, `close()` joins the messenger first.
3. G0 and G1 messages carry `"test": false` in both start and end, and the end message's `c_time` is always
   `null`; the doc lists the keys but not these constant values.
4. G0-G2 write nothing of the message to `parsl.log` (only `Tracking status: True`); logging each message
   as a dict repr starts with G3 (2024.5.6).
5. G3 (2024.5.6) reports `parsl.config.Config` with `executors_len` only; `dependency_resolver` appears
   from G4 (2024.7.1). HTEX is reported with `mpi` from G3 on.
6. Components include objects the user never wrote in the configuration: the default
   `parsl.channels.local.local.LocalChannel` (until channels were removed, so in 2024.5.6-2024.10.14 HTEX runs),
   `parsl.launchers.launchers.SingleNodeLauncher`, and in 2026.10.26 `parsl.monitoring.radios.htex.HTEXRadio`.
7. Key order differs between messages: in G5 the start message has `project_name` after `tracking_level` and
   before `components`/`start`, while the end message has it last, after `components`. In G4+ level-3
   start messages `start` comes after `components`.
8. G4+ `usage_tracking=True` gives `"tracking_level": 1` (as documented); `PARSL_TRACKING=false` in the
   environment disables tracking in G0-G3 but is ignored from G4 on (not in the doc).
9. G3 (2024.5.6) builds and logs both messages even when tracking is off: `2024.5.6/off-threads.parsl.log`
   holds `Usage tracking start message: {...}` and `end message (unencoded): {...}` lines (after
   `Tracking status: False`) although no datagram was sent. A log line is not proof of a send in G3.
10. In 2024.5.6, 2024.7.1 and 2024.10.14 `parsl.log` says `Sending end message for usage tracking` (from the DFK) at
   every level, 0 included, although only level 3 sends one: a log reader must not count that line as a
   message. 2026.10.26 logs it only when it sends.
11. Parsl issue 4038 is not environment-dependent in 2026.10.26: the messenger always uses the spawn start
   method, so with this release no datagram is ever sent (see `level3-threads-unpatched`); the failure line
   is `Usage tracking failed: Can't pickle <function udp_messenger at 0x...>: it's not the same object as
   parsl.usage_tracking.usage.udp_messenger`.
12. The G0 `uname`/`hname` here are `4813494d13` (= first 10 hex digits of SHA-256 of `root`) and
   `5bce98f73f` (of the host name `vm`): reversible by trying common names, as the doc says.
13. With several workflows in one process, 2024.10.14 writes the later workflows' messages into every
   earlier workflow's `parsl.log` as well (the DataFlowKernel adds a file handler per run and never removes
   it): `2024.10.14/two-workflows.runinfo/000/parsl.log` holds both sessions, `001` the second. 2026.10.26
   removes its handler at cleanup ("Unregistering log handler"), so each log holds its own session only.
14. A spawned messenger sends only once its fresh interpreter has imported Parsl, seconds later on this
   loaded 2-core machine, so in a short run the end datagram can arrive before the start (how many did in
   `2026.10.26/two-workflows` is in its line above). Forked messengers (2024.10.14) sent in order.
"""
