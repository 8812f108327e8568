"""Capture-only fix, installed next to the guard: makes HTEX worker pools of 2023-2024 releases connect
reliably on a busy machine. It changes nothing that usage tracking sends.

Those releases' `parsl.executors.high_throughput.probe.probe_addresses(addresses, task_port, timeout)`
connects a ZMQ socket and only then attaches the monitor that should report the connection; when the
connection completes first (common on a loaded machine), the event is never seen, the pool reports
"Failed to find a viable address to connect to interchange" and every task of the run fails. This module
hooks the import of that module and, only when it holds that old signature, replaces the function by the
same logic with the monitor attached before connecting. Newer releases probe differently and are left alone.
"""

import importlib.abc
import importlib.util
import inspect
import sys
import time

PROBE_MODULE = "parsl.executors.high_throughput.probe"
OLD_PARAMETERS = ["addresses", "task_port", "timeout"]


def probe_addresses(addresses, task_port, timeout=120):
    import zmq
    from zmq.utils.monitor import recv_monitor_message

    context = zmq.Context()
    sockets = {}
    for address in addresses:
        sock = context.socket(zmq.DEALER)
        sock.setsockopt(zmq.LINGER, 0)
        monitor = sock.get_monitor_socket(events=zmq.EVENT_CONNECTED)
        sock.connect(f"tcp://{address}:{task_port}")
        sockets[address] = (sock, monitor)
    first_connected = None
    deadline = time.time() + timeout
    while time.time() < deadline and not first_connected:
        for address, (_, monitor) in sockets.items():
            try:
                recv_monitor_message(monitor, zmq.NOBLOCK)
                first_connected = address
                break
            except zmq.Again:
                pass
            time.sleep(0.01)
    for sock, _ in sockets.values():
        sock.close()
    return first_connected


class _PatchAfterLoad(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != PROBE_MODULE:
            return None
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None:
            return spec
        original_exec = spec.loader.exec_module

        def exec_module(module):
            original_exec(module)
            old = getattr(module, "probe_addresses", None)
            if old is not None and list(inspect.signature(old).parameters) == OLD_PARAMETERS:
                module.probe_addresses = probe_addresses

        spec.loader.exec_module = exec_module
        return spec


sys.meta_path.insert(0, _PatchAfterLoad())
