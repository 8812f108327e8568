#!/usr/bin/env python3
"""Sends what a Parsl run sends (usage-tracking datagrams to port 50077) amid other traffic.

Used by make-captures.sh while tcpdump or dumpcap records; run inside a private network namespace so that
no other process's traffic ends up in the capture.
usage: send-traffic.py IPV4_TARGET IPV6_TARGET [BIG_PAYLOAD_BYTES]
"""
import json
import socket
import sys
import time
import uuid

ipv4, ipv6 = sys.argv[1], sys.argv[2]
big = int(sys.argv[3]) if len(sys.argv) > 3 else 0
PORT = 50077


def parsl_message(level, correlator, end=False, pad=0):
    """A message shaped like Parsl 2026.10.26's (json.dumps defaults, key order as inserted)."""
    if end:
        message = {"correlator": correlator, "end": 1795555190, "execution_time": 5,
                   "components": [{"c": "parsl.dataflow.dflow.DataFlowKernel", "app_count": 6, "app_fails": 1},
                                  "parsl.executors.threads.ThreadPoolExecutor"]}
    else:
        message = {"correlator": correlator, "parsl_v": "2026.10.26", "python_v": "3.11.7",
                   "platform.system": "Linux", "tracking_level": level}
        if level >= 2:
            message["components"] = [{"c": "parsl.config.Config", "executors_len": 1, "dependency_resolver": False},
                                     "parsl.executors.threads.ThreadPoolExecutor"]
        if level >= 3:
            message["start"] = 1795555185
        if pad:
            message["components"].extend("acme_genomics.cluster.AcmeProvider%d" % i for i in range(pad // 40))
    return b"1" + json.dumps(message).encode()


def send_udp(family, address, port, payload):
    with socket.socket(family, socket.SOCK_DGRAM) as sock:
        sock.sendto(payload, (address, port))


def dns_query(name):
    query = b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
    for label in name.split("."):
        query += bytes([len(label)]) + label.encode()
    return query + b"\x00\x00\x01\x00\x01"


# A TCP listener on 50077 and a client sending JSON over it: TCP to the port is not a usage message.
# When the target is another host (the veth pair), there is no listener: the SYN to 50077 is refused.
tcp_server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
tcp_server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    tcp_server.bind((ipv4, PORT))
    tcp_server.listen(1)
except OSError:
    tcp_server.close()
    tcp_server = None

correlators = [str(uuid.UUID(int=0x4eae03f1f34e40de8bbe38017acbc1f4 + i, version=4)) for i in range(4)]
for index, correlator in enumerate(correlators):
    level = index % 3 + 1
    send_udp(socket.AF_INET, ipv4, 53, dns_query("tracking.parsl-project.org"))
    send_udp(socket.AF_INET, ipv4, PORT, parsl_message(level, correlator))
    send_udp(socket.AF_INET, ipv4, 50078, b"not for us")
    if level == 3:
        send_udp(socket.AF_INET, ipv4, PORT, parsl_message(level, correlator, end=True))
    time.sleep(0.01)

send_udp(socket.AF_INET6, ipv6, PORT, parsl_message(2, correlators[0]))
send_udp(socket.AF_INET6, ipv6, 5353, b"\x00" * 12)
# Legacy generation G1: bare JSON with hashed user and host names.
send_udp(socket.AF_INET, ipv4, PORT, json.dumps(
    {"uuid": correlators[1], "uname": "a4d5e6f7a8", "hname": "b1c2d3e4f5", "test": False,
     "parsl_v": "1.2.0", "python_v": "3.8.10", "os": "Linux", "os_v": "5.4.0-42-generic", "start": 1600000000.1}
).encode())

if tcp_server:
    client = socket.create_connection((ipv4, PORT))
    connection, _ = tcp_server.accept()
    client.sendall(parsl_message(3, correlators[2]))
    connection.recv(65536)
    client.close()
    connection.close()
    tcp_server.close()
else:
    try:
        socket.create_connection((ipv4, PORT), timeout=1).close()
    except OSError:
        pass

if big:
    # Larger than the link MTU: IPv4 and IPv6 fragment it.
    send_udp(socket.AF_INET, ipv4, PORT, parsl_message(3, correlators[3], pad=big))
    send_udp(socket.AF_INET6, ipv6, PORT, parsl_message(3, correlators[3], pad=big))
    send_udp(socket.AF_INET, ipv4, 2049, b"\x00" * big)  # fragmented, another port
    send_udp(socket.AF_INET, ipv4, PORT, b"1{}")
time.sleep(0.2)
