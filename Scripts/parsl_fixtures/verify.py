"""Checks recorded fixtures against the protocol description of their generation.

For each run: every datagram decodes (protocol byte, JSON), has exactly the keys the generation sends, in
the order the client inserts them, with the expected types; the number and kinds of messages match the
configured level; start and end share one correlator; the pcap holds the same payloads as the wire file;
and, where the release logs its messages, each logged dict equals the datagram sent.

Problems are returned as strings; `observations` collects facts worth reporting that are not errors.
"""

import ast
import json
import re
import struct
from pathlib import Path

from .releases import MAX_ATTEMPTS

UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
HASH10 = re.compile(r"^[0-9a-f]{10}$")
VERSION3 = re.compile(r"^\d+\.\d+\.\d+$")

# Keys in the order each generation's client inserts them (read from each release's usage.py and confirmed
# by the recordings). "?" marks a key present only in some runs.
START_KEYS = {
    "G0": ["uuid", "uname", "hname", "test", "parsl_v", "python_v", "os", "os_v", "start"],
    "G1": ["uuid", "test", "parsl_v", "python_v", "os", "os_v", "start"],
    "G2": ["uuid", "parsl_v", "python_v", "os", "os_v", "start"],
    "G3": ["correlator", "parsl_v", "python_v", "platform.system", "start", "components"],
}
END_KEYS = {
    "G0": ["uuid", "end", "t_apps", "sites", "c_time", "failed", "test"],
    "G1": ["uuid", "end", "t_apps", "sites", "c_time", "failed", "test"],
    "G2": ["uuid", "end", "t_apps", "sites", "failed"],
    "G3": ["correlator", "end", "components"],
}


def expected_start_keys(generation, level, project):
    if generation in START_KEYS:
        return START_KEYS[generation]
    keys = ["correlator", "parsl_v", "python_v", "platform.system", "tracking_level"]
    if generation == "G5" and project:
        keys.append("project_name")
    if level >= 2:
        keys.append("components")
    if level == 3:
        keys.append("start")
    return keys


def expected_end_keys(generation, project):
    if generation in END_KEYS:
        return END_KEYS[generation]
    keys = ["correlator", "end", "execution_time", "components"]
    if generation == "G5" and project:
        keys.append("project_name")
    return keys


def decode(payload):
    """(protocol, message) where protocol is "1" or "legacy"; raises ValueError when it cannot decode."""
    if payload[:1] == b"1":
        protocol, text = "1", payload[1:]
    elif payload[:1] == b"{":
        protocol, text = "legacy", payload
    else:
        raise ValueError(f"first byte {payload[:1]!r} is neither the protocol byte 1 nor {{")
    message = json.loads(text.decode("utf-8"))
    if json.dumps(message).encode() != text:
        raise ValueError("payload is not json.dumps output with default separators")
    return protocol, message


def pcap_payloads(path):
    """UDP payloads of a little- or big-endian pcap file with Ethernet (lo) or raw IPv4 frames."""
    data = Path(path).read_bytes()
    if len(data) < 24:
        raise ValueError(f"{path}: shorter than a pcap header")
    magic = data[:4]
    endian = {b"\xd4\xc3\xb2\xa1": "<", b"\xa1\xb2\xc3\xd4": ">", b"\x4d\x3c\xb2\xa1": "<",
              b"\xa1\xb2\x3c\x4d": ">"}.get(magic)
    if endian is None:
        raise ValueError(f"{path}: not a pcap file (magic {magic.hex()})")
    link_type = struct.unpack(endian + "I", data[20:24])[0]
    offset, payloads = 24, []
    while offset + 16 <= len(data):
        captured, original = struct.unpack(endian + "II", data[offset + 8:offset + 16])
        if offset + 16 + captured > len(data):
            raise ValueError(f"{path}: frame {len(payloads) + 1} is cut short by the end of the file")
        frame = data[offset + 16:offset + 16 + captured]
        offset += 16 + captured
        if captured != original:
            raise ValueError(f"{path}: frame {len(payloads) + 1} truncated ({captured} of {original} bytes)")
        if link_type == 1:
            frame = frame[14:]
        elif link_type != 101:
            raise ValueError(f"{path}: link type {link_type} not handled by this check")
        header_length = (frame[0] & 0x0F) * 4
        payloads.append(frame[header_length + 8:])
    if offset != len(data):
        raise ValueError(f"{path}: {len(data) - offset} stray bytes after the last frame")
    return payloads


def logged_messages(log_path):
    """The dicts a G3+ client wrote to parsl.log as 'Usage tracking start message:' / 'end message'."""
    found = []
    for line in Path(log_path).read_text(encoding="utf-8").splitlines():
        for marker in ("Usage tracking start message: ", "Usage tracking end message (unencoded): "):
            if marker in line:
                found.append(ast.literal_eval(line.split(marker, 1)[1]))
    return found


def read_wire_lines(base, name, problems):
    """The datagrams of BASE.wire, one per line; a last line without its newline is a problem."""
    wire_lines = Path(f"{base}.wire").read_bytes().split(b"\n")
    if wire_lines[-1] != b"":
        problems.append(f"{name}.wire: last line lacks its newline")
    return wire_lines[:-1]


def decoded_wire_lines(wire_lines, name, problems):
    """Each datagram's line number, protocol and message, in order; a line that does not decode is a problem."""
    for number, payload in enumerate(wire_lines, 1):
        try:
            protocol, message = decode(payload)
        except ValueError as error:
            problems.append(f"{name}.wire line {number}: {error}")
            continue
        yield number, protocol, message


def check_run(directory, entry, observations):
    """Returns a list of problems with one recorded run (empty when it is as expected)."""
    if entry.get("workflows", 1) > 1:
        return check_workflows_run(directory, entry, observations)
    problems = []
    generation = entry["generation"]
    name = f"{entry['release']}/{entry['scenario']}"
    level = entry["usage_tracking"]
    level = int(level)  # True counts as 1 on every generation, False as 0
    project = entry["project_name"]
    base = Path(directory) / entry["scenario"]
    wire_lines = read_wire_lines(base, name, problems)

    sends = level > 0 and (entry["issue_4038_workaround_applied"] or not entry.get("spawns_messenger"))
    expect_end = sends and (generation in ("G0", "G1", "G2", "G3") or level == 3)
    expected_count = (1 + int(expect_end)) if sends else 0
    if entry.get("want_datagrams") is not None:
        expected_count = entry["want_datagrams"]   # a G0/G1 run kept for whether its end message got out
    if (generation in ("G0", "G1") and expected_count == 2 and len(wire_lines) == 1
            and entry.get("attempts", 1) >= MAX_ATTEMPTS):
        observations.add(f"{name}: end message lost in all {entry['attempts']} attempts (messenger SIGTERMed)")
    elif len(wire_lines) != expected_count:
        problems.append(f"{name}: {len(wire_lines)} datagrams, expected {expected_count}")

    messages = []
    for number, protocol, message in decoded_wire_lines(wire_lines, name, problems):
        want_protocol = "legacy" if generation in ("G0", "G1", "G2") else "1"
        if protocol != want_protocol:
            problems.append(f"{name}.wire line {number}: protocol {protocol}, generation {generation} uses {want_protocol}")
        messages.append(message)

    for index, message in enumerate(messages):
        is_start = index == 0
        want = expected_start_keys(generation, level, project) if is_start else expected_end_keys(generation, project)
        got = list(message)
        if got != want:
            problems.append(f"{name} {'start' if is_start else 'end'}: keys {got}, expected {want}")
        problems += check_values(name, generation, is_start, message, level, project, observations)

    if len(messages) == 2:
        id_key = "uuid" if "uuid" in messages[0] else "correlator"
        if messages[0].get(id_key) != messages[1].get(id_key):
            problems.append(f"{name}: start and end carry different {id_key}s")

    try:
        pcap = pcap_payloads(f"{base}.pcap")
        if pcap != wire_lines:
            problems.append(f"{name}: the pcap's {len(pcap)} payloads differ from the wire file's {len(wire_lines)}")
    except (OSError, ValueError) as error:
        problems.append(f"{name}.pcap: {error}")

    logged = logged_messages(f"{base}.parsl.log")
    if entry.get("spawns_messenger") and not entry["issue_4038_workaround_applied"] and level > 0:
        failures = Path(f"{base}.parsl.log").read_text(encoding="utf-8").count("Usage tracking failed: Can't pickle")
        if failures != len(logged):
            problems.append(f"{name}: {len(logged)} messages logged but {failures} issue 4038 failures")
    if generation in ("G0", "G1", "G2"):
        if logged:
            problems.append(f"{name}: a {generation} log should not hold message lines")
    elif generation == "G3" and level == 0:
        # 2024.5.6 constructs (and logs) both messages before it checks whether tracking is enabled.
        if len(logged) != 2:
            problems.append(f"{name}: a G3 run with tracking off logs {len(logged)} messages, expected 2")
        observations.add(f"{name}: tracking off, nothing sent, yet {len(logged)} messages logged")
    elif level > 0:
        if len(logged) != expected_count and entry["issue_4038_workaround_applied"]:
            problems.append(f"{name}: log holds {len(logged)} messages, wire {expected_count}")
        for number, (from_log, sent) in enumerate(zip(logged, messages), 1):
            if from_log != sent or list(from_log) != list(sent):
                problems.append(f"{name}: logged message {number} differs from the datagram sent")
    return problems


def check_values(name, generation, is_start, message, level, project, observations):
    problems = []

    def expect(condition, text):
        if not condition:
            problems.append(f"{name} {'start' if is_start else 'end'}: {text}")

    identifier = message.get("uuid", message.get("correlator"))
    expect(isinstance(identifier, str) and UUID4.match(identifier), f"identifier {identifier!r} is not a uuid4")
    if is_start:
        expect(isinstance(message.get("python_v"), str) and VERSION3.match(message["python_v"]), "python_v not X.Y.Z")
        if generation in ("G0", "G1", "G2"):
            expect(isinstance(message.get("start"), float), "start is not a float")
            expect(isinstance(message.get("os"), str) and isinstance(message.get("os_v"), str), "os/os_v not strings")
        else:
            if "start" in message:
                expect(type(message["start"]) is int, "start is not an int")
            if "tracking_level" in message:
                expect(message["tracking_level"] == level, f"tracking_level {message['tracking_level']} != {level}")
        if generation == "G0":
            expect(HASH10.match(message.get("uname", "")) and HASH10.match(message.get("hname", "")),
                   "uname/hname are not 10 hex digits")
            observations.add(f"G0 uname {message['uname']} / hname {message['hname']}")
        if "test" in message:
            expect(message["test"] is False, "test is not false")
    else:
        if generation in ("G0", "G1", "G2"):
            expect(isinstance(message.get("end"), float), "end is not a float")
            expect(message.get("t_apps") == 5 and message.get("failed") == 1 and message.get("sites") == 1,
                   f"t_apps/failed/sites {message.get('t_apps')}/{message.get('failed')}/{message.get('sites')} != 5/1/1")
            if "c_time" in message:
                expect(message["c_time"] is None, "c_time is not null")
        else:
            expect(type(message.get("end")) is int, "end is not an int")
            first = (message.get("components") or [None])[0]
            expect(first == {"c": "parsl.dataflow.dflow.DataFlowKernel", "app_count": 5, "app_fails": 1},
                   f"components do not start with the DFK (5 apps, 1 failed): {first!r}")
            if "execution_time" in message:
                expect(type(message["execution_time"]) is int and message["execution_time"] >= 0,
                       "execution_time is not a non-negative int")
    if project and generation == "G5":
        expect(message.get("project_name") == project, "project_name missing or wrong")
    if "components" in message:
        for component in message["components"]:
            if isinstance(component, dict):
                observations.add(f"{generation} rich component {component.get('c')} keys {sorted(k for k in component if k != 'c')}")
            else:
                observations.add(f"{generation} component {component}")
    return problems


def check_workflows_run(directory, entry, observations):
    """A run of several workflows one after another in one process (G4+, level 3): each workflow is one
    session, a start and an end sharing a correlator, in whatever order they arrived; the pcap holds the
    wire's payloads; every message a log holds was sent, and every message sent is in some log."""
    problems = []
    name = f"{entry['release']}/{entry['scenario']}"
    generation, level, project = entry["generation"], int(entry["usage_tracking"]), entry["project_name"]
    base = Path(directory) / entry["scenario"]
    wire_lines = read_wire_lines(base, name, problems)
    if len(wire_lines) != 2 * entry["workflows"]:
        problems.append(f"{name}: {len(wire_lines)} datagrams, expected {2 * entry['workflows']}")
    sessions, sent, ahead = {}, [], 0
    for number, _, message in decoded_wire_lines(wire_lines, name, problems):
        sent.append(message)
        is_start = "end" not in message
        session = sessions.setdefault(message.get("correlator"), {})
        kind = "start" if is_start else "end"
        if kind in session:
            problems.append(f"{name}.wire line {number}: a second {kind} for correlator {message.get('correlator')}")
        session[kind] = message
        if not is_start and "start" not in session:
            ahead += 1
        want = expected_start_keys(generation, level, project) if is_start else expected_end_keys(generation, project)
        if list(message) != want:
            problems.append(f"{name} {kind}: keys {list(message)}, expected {want}")
        problems += check_values(name, generation, is_start, message, level, project, observations)
    for correlator, session in sessions.items():
        if set(session) != {"start", "end"}:
            problems.append(f"{name}: correlator {correlator} has {sorted(session)}, expected a start and an end")
    if len(sessions) != entry["workflows"]:
        problems.append(f"{name}: {len(sessions)} sessions, expected {entry['workflows']}")
    if ahead != entry.get("ends_before_start", 0):
        problems.append(f"{name}: {ahead} ends ahead of their start, the manifest says {entry.get('ends_before_start')}")
    observations.add(f"{name}: {ahead} of {len(sessions)} end datagrams arrived before their start")

    try:
        if pcap_payloads(f"{base}.pcap") != wire_lines:
            problems.append(f"{name}: the pcap's payloads differ from the wire file's")
    except (OSError, ValueError) as error:
        problems.append(f"{name}.pcap: {error}")

    logged_anywhere = []
    for number in range(entry["workflows"]):
        log = Path(f"{base}.runinfo") / f"{number:03d}" / "parsl.log"
        if not log.is_file():
            problems.append(f"{name}: no {log.relative_to(directory)}")
            continue
        logged = logged_messages(log)
        for message in logged:
            if message not in sent:
                problems.append(f"{name}: {log.relative_to(directory)} logs a message that was not sent")
        correlators = sorted({message.get("correlator") for message in logged})
        observations.add(f"{name}: {log.relative_to(directory)} logs {len(logged)} messages of "
                         f"{len(correlators)} session(s)")
        logged_anywhere += logged
    for message in sent:
        if message not in logged_anywhere:
            problems.append(f"{name}: a sent message ({message.get('correlator')}) is in no log")
    return problems
