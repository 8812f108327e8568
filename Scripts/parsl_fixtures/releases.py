"""Which Parsl releases are recorded, which protocol generation each one speaks, and what each run does.

Generations are those of docs/protocol.md. Every release listed exists on PyPI and
installs on CPython 3.11 with the dependencies pip resolves for it (checked 2026-11; nothing needed an older
typeguard, dill or setuptools than its own requirements pick: 2023.x resolves typeguard 2.13.3 through its own
`typeguard<3` bound). The exact environment of each recording is committed beside it as `pip-freeze.txt` and
is used as a pip constraints file when regenerating, so a later dependency release cannot change a fixture.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Release:
    version: str
    generation: str
    why: str
    # Extra requirement specifiers installed next to parsl (none needed today; kept so a pin has a home).
    pins: tuple = ()
    # The usage messenger uses the spawn start method and never sends (Parsl issue 4038).
    spawns_messenger: bool = False
    # Also record two short workflows run one after another in one process (the `two-workflows` run).
    two_workflows: bool = False


RELEASES = (
    Release("2023.4.24", "G0", "last release whose start message carries the uname/hname hashes"),
    Release("2023.6.5", "G1", "first release without uname/hname; still bare JSON with `test`"),
    Release("2024.3.4", "G2", "bare JSON without `test`/`c_time`; last legacy-protocol generation"),
    Release("2024.5.6", "G3", "protocol byte `1`, components, no levels (all or nothing)"),
    Release("2024.7.1", "G4", "first release with levels 1-3; no project_name"),
    Release("2024.10.14", "G5", "levels and project_name; messenger still forked", two_workflows=True),
    Release("2026.10.26", "G5", "newest on PyPI; messenger spawned, so it needs the issue 4038 workaround",
            spawns_messenger=True, two_workflows=True),
)

PROJECT_NAME = "acme-genomics"
MAX_ATTEMPTS = 12


@dataclass(frozen=True)
class Scenario:
    """One run of the workflow: its fixture name and the configuration it uses."""
    name: str
    executor: str              # "threads" or "htex"
    usage_tracking: object     # the value given to Config(usage_tracking=...): bool before G4, int from G4
    project_name: str | None = None
    acme: bool = False         # provider class from the workflow's own module acme_genomics_cluster
    fork_usage_messenger: bool = True   # the issue 4038 workaround (a no-op where the messenger forks)
    # The issue 4038 workaround that keeps the spawn start method (with fork_usage_messenger False): each
    # message leaves from a freshly spawned interpreter, as in a release whose spawn works.
    spawn_usage_messenger: bool = False
    full_log: bool = False     # keep the whole parsl.log (one run per release); others are trimmed
    # G0 and G1 SIGTERM their messenger right after forking it for the end message, so whether the end
    # message gets out is a race. When set, a run is repeated (up to MAX_ATTEMPTS) until it delivered
    # exactly this many datagrams; the manifest records the attempts.
    want_datagrams: int | None = None
    # How many workflows the run loads, runs and cleans up one after another in one Python process. Each
    # gets its own runinfo/NNN/parsl.log, and Parsl keeps writing to the earlier runs' logs as well.
    workflows: int = 1
    # Repeat the run (up to MAX_ATTEMPTS) until an end datagram arrives before its own start: each message
    # leaves from its own short-lived process, and in short runs they race.
    want_reorder: bool = False

    def describe(self):
        parts = []
        level = self.usage_tracking
        if isinstance(level, bool):
            parts.append(f"usage_tracking={level}")
        else:
            parts.append(f"usage_tracking={level} (level {level})")
        parts.append("ThreadPoolExecutor" if self.executor == "threads" else "HighThroughputExecutor + LocalProvider")
        if self.acme:
            parts[-1] = "HighThroughputExecutor + acme_genomics_cluster.AcmeProvider (user-defined)"
        if self.project_name:
            parts.append(f"project_name={self.project_name!r}")
        if self.spawn_usage_messenger:
            parts.append("messenger spawned (the issue 4038 workaround that keeps spawn)")
        elif not self.fork_usage_messenger:
            parts.append("without the issue 4038 workaround")
        if self.want_datagrams == 1:
            parts.append("a run whose end message was lost (messenger killed before sending)")
        if self.workflows > 1:
            parts.append(f"{self.workflows} workflows one after another in one process")
        return ", ".join(parts)


def scenarios_for(release):
    """All runs for one release: every level it supports with both executors, project names from G5,
    user-defined provider runs, and for a spawning release one run without the workaround."""
    generation = int(release.generation[1:])
    runs = []
    if generation <= 3:
        racy_end = 2 if generation <= 1 else None
        for label, value in (("off", False), ("on", True)):
            for executor in ("threads", "htex"):
                runs.append(Scenario(f"{label}-{executor}", executor, value,
                                     want_datagrams=racy_end if value else None))
        runs.append(Scenario("on-htex-acme", "htex", True, acme=True, full_log=True, want_datagrams=racy_end))
        if generation <= 1:
            runs.append(Scenario("on-threads-end-lost", "threads", True, want_datagrams=1))
        return runs
    for level in (0, 1, 2, 3):
        for executor in ("threads", "htex"):
            runs.append(Scenario(f"level{level}-{executor}", executor, level))
    runs.append(Scenario("true-threads", "threads", True))
    runs.append(Scenario("level2-htex-acme", "htex", 2, acme=True))
    if generation == 4:
        runs.append(Scenario("level3-htex-acme", "htex", 3, acme=True, full_log=True))
        return runs
    runs.append(Scenario("level3-htex-acme", "htex", 3, acme=True))
    for level in (0, 1, 2, 3):
        runs.append(Scenario(f"level{level}-threads-project", "threads", level, project_name=PROJECT_NAME))
    runs.append(Scenario("level3-htex-project", "htex", 3, project_name=PROJECT_NAME))
    runs.append(Scenario("level3-htex-acme-project", "htex", 3, project_name=PROJECT_NAME, acme=True,
                         full_log=True))
    if release.spawns_messenger:
        runs.append(Scenario("level3-threads-unpatched", "threads", 3, fork_usage_messenger=False))
    if release.two_workflows and release.spawns_messenger:
        # Spawned messengers start a fresh interpreter each: the end of a short run can overtake its start,
        # and the run is repeated until it does.
        runs.append(Scenario("two-workflows", "threads", 3, fork_usage_messenger=False, spawn_usage_messenger=True,
                             workflows=2, want_datagrams=4, want_reorder=True))
    elif release.two_workflows:
        # Forked messengers send at once, in order; this release never removes a run's log handler, so the
        # second workflow's messages are in the first workflow's parsl.log as well.
        runs.append(Scenario("two-workflows", "threads", 3, workflows=2, want_datagrams=4))
    return runs


# The demo capture: several real runs of different generations and levels, recorded in one pcap, in order.
DEMO_RUNS = (
    ("2023.4.24", "on-threads"),            # G0: hashed user and host names, bare JSON
    ("2024.3.4", "on-threads"),             # G2: legacy protocol, no hashes
    ("2024.5.6", "on-htex-acme"),           # G3: components with the user's own provider, no levels
    ("2024.7.1", "level1-threads"),         # G4 level 1: nothing but versions and platform
    ("2024.7.1", "level3-htex-acme"),       # G4 level 3: user-defined provider, end message with counts
    ("2024.10.14", "level2-htex-acme"),     # G5 level 2: user-defined provider at level 2
    ("2026.10.26", "level3-threads-project"),  # newest, with a project name
)
