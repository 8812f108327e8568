"""The small workflow that capture-parsl-fixtures runs with each Parsl release, inside that release's venv.

Usage: python workflow.py SCENARIO_JSON
SCENARIO_JSON holds: run_dir, executor ("threads" or "htex"), usage_tracking (an int or a bool, passed to
Config as is), project_name (a string or null), acme (bool: use acme_genomics_cluster.AcmeProvider),
fork_usage_messenger (bool: the Parsl issue 4038 workaround, see below), spawn_usage_messenger (bool: the
workaround that keeps the spawn start method; needs fork_usage_messenger false), workflows (how many times to load a
configuration, run the apps and clean up, one after another in this one process; 1 when absent).

It runs five apps (one depends on another), one of which fails, so a level-3 end message reports
app_count 5 and app_fails 1. It must work unchanged with every release from 2023.4.24 on, so options that
differ between releases are chosen by looking at the installed signatures.
"""

import inspect
import json
import sys

import parsl
from parsl.app.app import python_app
from parsl.config import Config


@python_app
def add(a, b):
    return a + b


@python_app
def square(x):
    return x * x


@python_app
def fail():
    raise ValueError("deliberate failure: one app of the fixture workflow fails")


def apply_issue_4038_workaround():
    """Newer releases start the usage messenger with the spawn start method, which must pickle the target;
    the target is the undecorated `udp_messenger`, whose module name refers to the decorated wrapper, so
    pickling fails ("Can't pickle <function udp_messenger ...>") and no datagram is ever sent (Parsl issue
    4038). Changing the default start method does not help: the messenger asks for spawn explicitly. So
    the messenger's process class is replaced by Parsl's own ForkProcess, as releases before 2025 used."""
    import parsl.usage_tracking.usage as usage
    if hasattr(usage, "SpawnProcess"):
        from parsl.multiprocessing import ForkProcess
        usage.SpawnProcess = ForkProcess
        print("workflow: issue 4038 workaround applied (usage messenger forked, not spawned)", file=sys.stderr)


def apply_issue_4038_spawn_workaround():
    """The issue 4038 workaround that keeps spawning: the messenger's target becomes
    spawned_usage_messenger.udp_messenger, which pickles, and which runs Parsl's own messenger body in the
    spawned interpreter. Each message then leaves from a fresh interpreter that imports Parsl first, as in
    a release whose spawn works, so the start and end messages of a short run race as they do there."""
    import parsl.usage_tracking.usage as usage
    if hasattr(usage, "SpawnProcess") and hasattr(usage, "async_process"):
        import spawned_usage_messenger
        spawned_usage_messenger.undecorated_udp_messenger()   # fails here, not in the child, if Parsl changed
        usage.udp_messenger = usage.async_process(spawned_usage_messenger.udp_messenger)
        print("workflow: issue 4038 workaround applied (usage messenger spawned with a picklable target)",
              file=sys.stderr)


def accepted_parameters(cls):
    init = getattr(cls.__init__, "__wrapped__", cls.__init__)
    return set(inspect.signature(init).parameters)


def make_provider(acme):
    if acme:
        from acme_genomics_cluster import AcmeProvider
        provider_class = AcmeProvider
    else:
        from parsl.providers import LocalProvider
        provider_class = LocalProvider
    return provider_class(init_blocks=1, min_blocks=0, max_blocks=1)


def make_executor(kind, acme):
    if kind == "threads":
        from parsl.executors import ThreadPoolExecutor
        if acme:
            raise SystemExit("workflow: the acme provider needs the htex executor")
        return ThreadPoolExecutor(label="threads", max_threads=2)
    if kind == "htex":
        from parsl.executors import HighThroughputExecutor
        names = accepted_parameters(HighThroughputExecutor)
        options = {"label": "htex", "address": "127.0.0.1", "cores_per_worker": 1,
                   "provider": make_provider(acme)}
        options["max_workers_per_node" if "max_workers_per_node" in names else "max_workers"] = 2
        if "address_probe_timeout" in names:
            # Releases that probe the interchange address can miss the connect event under load and then
            # wait the whole probe time; a short probe makes such a failed run cheap to repeat.
            options["address_probe_timeout"] = 5
        return HighThroughputExecutor(**options)
    raise SystemExit(f"workflow: unknown executor {kind!r}")


def run_once(scenario):
    """Loads a fresh configuration (a new DataFlowKernel, so a new usage session), runs the apps, cleans up."""
    options = {"executors": [make_executor(scenario["executor"], scenario["acme"])],
               "run_dir": scenario["run_dir"],
               "usage_tracking": scenario["usage_tracking"]}
    if scenario.get("project_name") is not None:
        options["project_name"] = scenario["project_name"]
    dfk = parsl.load(Config(**options))
    futures = [add(1, 2), add(3, 4), square(5), fail()]
    futures.append(square(futures[0]))
    outcomes = []
    for future in futures:
        try:
            outcomes.append(future.result())
        except Exception as error:
            outcomes.append(type(error).__name__)
    print(f"workflow: outcomes {outcomes}", file=sys.stderr)
    dfk.cleanup()
    parsl.clear()


def main():
    scenario = json.loads(sys.argv[1])
    if scenario.get("fork_usage_messenger"):
        apply_issue_4038_workaround()
    elif scenario.get("spawn_usage_messenger"):
        apply_issue_4038_spawn_workaround()
    for _ in range(scenario.get("workflows", 1)):
        run_once(scenario)


if __name__ == "__main__":
    main()
