"""Network guard that capture-parsl-fixtures installs into every Parsl virtual environment it creates.

It is imported at interpreter start-up by `parsl_capture_guard.pth` (site-packages runs `import` lines of
`.pth` files), so it is active in the workflow process, in forked children (they inherit the patched module)
and in every spawned child or worker started with the environment's interpreter.

Why: a Parsl client with usage tracking on sends UDP datagrams to the public tracker. A fixture capture
must never do that. This guard
  * resolves the tracker's name to 127.0.0.1 (so the capture's loopback receiver gets the datagrams), and
  * refuses, by raising `CaptureGuardError`, any datagram send or socket connect to an address outside the
    loopback range, whatever name or address the client uses.
capture-parsl-fixtures additionally runs the clients in a private network namespace that holds only a
loopback interface where it can, so a mistake here still cannot reach the network.
"""

import ipaddress
import socket

TRACKER_NAMES = frozenset({"tracking.parsl-project.org"})
LOOPBACK_ADDRESS = "127.0.0.1"

_original_getaddrinfo = socket.getaddrinfo
_original_gethostbyname = socket.gethostbyname
_original_gethostbyname_ex = socket.gethostbyname_ex
_original_sendto = socket.socket.sendto
_original_sendmsg = socket.socket.sendmsg
_original_connect = socket.socket.connect
_original_connect_ex = socket.socket.connect_ex


class CaptureGuardError(PermissionError):
    """Raised instead of letting a socket reach a non-loopback address (an OSError, as a send failure is)."""


def _is_tracker(host):
    if isinstance(host, (bytes, bytearray)):
        host = bytes(host).decode("ascii", "replace")
    return isinstance(host, str) and host.lower().rstrip(".") in TRACKER_NAMES


def _guarded_getaddrinfo(host, *args, **kwargs):
    if _is_tracker(host):
        host = LOOPBACK_ADDRESS
    return _original_getaddrinfo(host, *args, **kwargs)


def _guarded_gethostbyname(name):
    if _is_tracker(name):
        return LOOPBACK_ADDRESS
    return _original_gethostbyname(name)


def _guarded_gethostbyname_ex(name):
    if _is_tracker(name):
        return (name, [], [LOOPBACK_ADDRESS])
    return _original_gethostbyname_ex(name)


def _check_destination(sock, address):
    """Raises unless `address` (an AF_INET/AF_INET6 address tuple) only resolves to loopback addresses."""
    if sock.family not in (socket.AF_INET, socket.AF_INET6):
        return
    if not isinstance(address, tuple) or len(address) < 2:
        raise CaptureGuardError(f"capture guard: refusing unexpected address {address!r}")
    host, port = address[0], address[1]
    try:
        resolved = _guarded_getaddrinfo(host, port, sock.family, 0, 0, socket.AI_NUMERICSERV)
    except OSError as error:
        raise CaptureGuardError(f"capture guard: refusing {host!r}, which does not resolve ({error})") from None
    for entry in resolved:
        ip = ipaddress.ip_address(entry[4][0].split("%")[0])
        if not ip.is_loopback:
            raise CaptureGuardError(f"capture guard: refusing to reach non-loopback address {ip} ({host!r})")


def _guarded_sendto(self, data, *rest):
    # sendto(data, address) or sendto(data, flags, address)
    if rest:
        _check_destination(self, rest[-1])
    return _original_sendto(self, data, *rest)


def _guarded_sendmsg(self, buffers, ancdata=(), flags=0, address=None):
    if address is not None:
        _check_destination(self, address)
        return _original_sendmsg(self, buffers, ancdata, flags, address)
    return _original_sendmsg(self, buffers, ancdata, flags)


def _guarded_connect(self, address):
    _check_destination(self, address)
    return _original_connect(self, address)


def _guarded_connect_ex(self, address):
    _check_destination(self, address)
    return _original_connect_ex(self, address)


socket.getaddrinfo = _guarded_getaddrinfo
socket.gethostbyname = _guarded_gethostbyname
socket.gethostbyname_ex = _guarded_gethostbyname_ex
socket.socket.sendto = _guarded_sendto
socket.socket.sendmsg = _guarded_sendmsg
socket.socket.connect = _guarded_connect
socket.socket.connect_ex = _guarded_connect_ex
ACTIVE = True
