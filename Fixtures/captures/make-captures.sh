#!/usr/bin/env bash
# Records the committed test captures with real tools (tcpdump, dumpcap, editcap) while send-traffic.py
# sends Parsl-shaped usage datagrams amid other traffic, each in private network namespaces (no other
# process's traffic gets in), then records what tshark counts for each in expected-counts.tsv.
# Needs root, iproute2, tcpdump, tshark (apt-get install -y tcpdump tshark iproute2).
# usage: Fixtures/captures/make-captures.sh   (from anywhere; rewrites the files beside it)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
ns=ua-cap-$$
a=ua-a-$$
b=ua-b-$$
cleanup() {
  ip netns del "$ns" 2>/dev/null || true
  ip netns del "$a" 2>/dev/null || true
  ip netns del "$b" 2>/dev/null || true
}
trap cleanup EXIT

# Starts a capture ($@, ending with -w FILE) in namespace $1, waits until it listens, runs the sender, stops it.
record() {
  local space=$1 sender=$2; shift 2
  ip netns exec "$space" "$@" 2>"$here/.capture.log" &
  local capture=$!
  for _ in $(seq 50); do grep -q -i "listening\|capturing" "$here/.capture.log" 2>/dev/null && break; sleep 0.1; done
  sleep 0.3
  eval "$sender"
  sleep 0.5
  kill -INT "$capture"; wait "$capture" || true
  rm -f "$here/.capture.log"
}

# Loopback in one namespace.
ip netns add "$ns"
ip -n "$ns" link set lo up
lo_send="ip netns exec $ns python3 $here/send-traffic.py 127.0.0.1 ::1"
record "$ns" "$lo_send" tcpdump -i lo -U -w lo-ethernet.pcap
record "$ns" "$lo_send" tcpdump -i lo -U --time-stamp-precision=nano -w lo-nanosecond.pcap
record "$ns" "$lo_send" tcpdump -i lo -U -s 128 -w lo-snaplen-128.pcap
record "$ns" "$lo_send" tcpdump -i any -U -y LINUX_SLL -w any-linux-sll.pcap
record "$ns" "$lo_send" tcpdump -i any -U -y LINUX_SLL2 -w any-linux-sll2.pcap
# Two interfaces of different link types in one pcapng: what libpcap 1.10 refuses to read.
record "$ns" "$lo_send" dumpcap -q -i lo -i any -w mixed-link-types.pcapng

# Two namespaces joined by a veth pair with a 1500-byte MTU, so large datagrams are fragmented.
ip netns add "$a"
ip netns add "$b"
ip link add "va$$" netns "$a" type veth peer name "vb$$" netns "$b"
ip -n "$a" addr add 10.99.0.1/24 dev "va$$"
ip -n "$b" addr add 10.99.0.2/24 dev "vb$$"
ip -n "$a" addr add fd00:99::1/64 dev "va$$" nodad
ip -n "$b" addr add fd00:99::2/64 dev "vb$$" nodad
for space in "$a" "$b"; do ip -n "$space" link set lo up; done
ip -n "$a" link set "va$$" up mtu 1500
ip -n "$b" link set "vb$$" up mtu 1500
sleep 1
veth_send="ip netns exec $a python3 $here/send-traffic.py 10.99.0.2 fd00:99::2 4000"
record "$b" "$veth_send" tcpdump -i "vb$$" -U -w veth-fragments.pcap
# The same capture with its second frame that is a middle IPv4 fragment removed (editcap -r keeps ranges).
middle=$(tshark -r veth-fragments.pcap -Y 'ip.flags.mf==1 && ip.frag_offset>0' -T fields -e frame.number | head -1)
if [ -n "$middle" ]; then
  editcap veth-fragments.pcap veth-fragment-missing.pcap "$middle"
fi

chmod 644 ./*.pcap ./*.pcapng
# What Wireshark counts: frames showing a UDP datagram to 50077 (a reassembled datagram once, at the frame
# that completes it). ICMP errors quote the datagram they answer, which the filter would match too: they
# are not datagrams to the port, hence the exclusion (the captures hold such errors on purpose).
filter='udp.dstport==50077 && !icmp && !icmpv6'
{
  printf '# capture\ttshark -Y "%s" frames\n' "$filter"
  for f in *.pcap *.pcapng; do
    printf '%s\t%s\n' "$f" "$(tshark -r "$f" -Y "$filter" 2>/dev/null | wc -l)"
  done
} > expected-counts.tsv
cat expected-counts.tsv
