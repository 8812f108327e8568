"""Sends a Parsl client's usage datagrams to a local collector (`usage-audit listen`) instead of Parsl's tracker.

Put this folder on PYTHONPATH before running a workflow:

    PYTHONPATH="/path/to/Scripts/parsl-to-collector${PYTHONPATH:+:$PYTHONPATH}" python workflow.py

Python imports `sitecustomize` at start-up in every interpreter, so the mapping holds in the workflow and in
the short-lived child process that Parsl sends each message from (it inherits PYTHONPATH whether it is forked
or spawned). Parsl resolves `tracking.parsl-project.org` and sends to port 50077; here that one name resolves
to 127.0.0.1 (or $PARSL_COLLECTOR_ADDRESS), through every resolver function Parsl's releases have used. Every
other name resolves as usual, and nothing is printed.

A `sitecustomize` module found later on sys.path (a distribution's own, say) would be hidden by this one, so it
is loaded after the mapping is in place.
"""

import importlib.util
import os
import socket
import sys

TRACKER_HOST = "tracking.parsl-project.org"
COLLECTOR_ADDRESS = os.environ.get("PARSL_COLLECTOR_ADDRESS") or "127.0.0.1"


def _is_tracker(host):
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    return isinstance(host, str) and host.rstrip(".").lower() == TRACKER_HOST


def _redirect(resolve):
    def resolve_tracker_locally(host, *args, **kwargs):
        return resolve(COLLECTOR_ADDRESS if _is_tracker(host) else host, *args, **kwargs)

    resolve_tracker_locally.__wrapped__ = resolve
    return resolve_tracker_locally


socket.gethostbyname = _redirect(socket.gethostbyname)
socket.gethostbyname_ex = _redirect(socket.gethostbyname_ex)
socket.getaddrinfo = _redirect(socket.getaddrinfo)


def _load_hidden_sitecustomize():
    here = os.path.dirname(os.path.realpath(__file__))
    for entry in sys.path:
        folder = os.path.realpath(entry or os.curdir)
        candidate = os.path.join(folder, "sitecustomize.py")
        if folder == here or not os.path.isfile(candidate):
            continue
        spec = importlib.util.spec_from_file_location("_sitecustomize_after_parsl_to_collector", candidate)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return


_load_hidden_sitecustomize()
