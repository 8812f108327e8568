#!/usr/bin/env python3
"""Writes the small committed seed corpus of each fuzz target (Fuzz/Corpus/<target>/) from the repository's
fixtures and schemas, plus hand-made cases. `make fuzz` adds the fixture files themselves as seeds; this
corpus is what a fresh clone starts from. Re-run it after changing the fixtures: python3 Fuzz/make-corpus.py"""
import hashlib, json, os, re, struct, zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(HERE, "Corpus", target, name), "wb") as f:
        f.write(data)

# JSON: the messages of the hand-made fixtures, and edge cases of the two readers.
messages = []
for name in ["messages.ndjson", "clean-levels.wire", "sessions.wire"]:
    for line in open(os.path.join(ROOT, "Fixtures/handmade", name), "rb"):
        line = line.strip()
        if line.startswith(b"{"):
            messages.append(line)
        elif line[:1].isdigit() and line[1:2] == b"{":
            messages.append(line[1:])
for m in messages[:6]:
    put("json", m)
for case in ['{"a":1,"a":2}', '{"a\\u0000b":[true,false,null]}', '"\\ud83d\\ude00 \\u00e9"', '1e400', '-0',
             '9223372036854775808', '[' * 40 + ']' * 40, '{"k":"v"', 'NaN', '\ufeff{}', '[1.5e-3, 0.1, 12345678901234567]']:
    put("json", case)

# Python literals and log lines: the usage lines of the hand-made log.
log_lines = [l for l in open(os.path.join(ROOT, "Fixtures/handmade/parsl.log"), "rb").read().split(b"\n") if l]
marker = re.compile(rb"Usage tracking (start message|end message \(unencoded\)|end message): ")
for line in log_lines[:8]:
    put("log-line", line + b"\n")
    found = marker.search(line)
    if found:
        put("python-literal", line[found.end():])
for case in ["{'a': (1, 2), 'b': {1, 2}, 'c': None, 'd': True, 'e': -1.5e3, 'f': nan, 'g': inf}",
             "{'s': 'it\\'s \\x41\\u00e9\\U0001F600\\n', \"t\": b'bytes'}", "[" * 30 + "]" * 30,
             "{'n': 0x1F, 'm': 1_000, 'o': 0o17, 'big': 123456789012345678901234567890}"]:
    put("python-literal", case)
put("log-line", b"\n".join(log_lines[:3]) + b"\n" + b"x" * 200 + b"\r\n")

# Journals: a few records, a torn tail, damage in the middle, a gap in the sequence.
def journal_header():
    return b"usage-audit journal\n" + struct.pack(">HHq", 1, 0, 1795555185000000000)
def record(seq, payload, family=4):
    address = bytes([127, 0, 0, 1]) + bytes(12) if family == 4 else bytes(15) + b"\x01"
    if family == 0:
        address = bytes(16)
    body = b"UAJR" + struct.pack(">IQqBBH", len(payload), seq, 1795555185000000000 + seq, family, 0, 50077) + address + payload
    return body + struct.pack(">I", zlib.crc32(body))
payloads = messages[:3] or [b'{"a":1}']
records = [record(i + 1, p, [4, 6, 0][i % 3]) for i, p in enumerate(payloads)]
put("journal", journal_header() + b"".join(records))
put("journal", journal_header() + b"".join(records)[:-7])
put("journal", journal_header() + records[0] + b"garbageUAJ" + records[1][:30] + records[2])
put("journal", journal_header() + records[0] + record(5, b"late"))
put("journal", journal_header() + b"UAJR" + struct.pack(">I", 65535) + b"UAJR\x00\x00\x00\x10" * 4)

# Schemas with an instance after a NUL byte: every applicator and the reference kinds.
schemas = [
    ({"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"type": "integer", "minimum": 3}}, "$ref": "#/$defs/a"}, 5),
    ({"type": "object", "properties": {"n": {"type": "array", "items": {"$ref": "#"}}}, "required": ["n"]}, {"n": [{"n": []}]}),
    ({"$id": "https://fuzz.example/tree", "$dynamicAnchor": "node", "type": "object",
      "properties": {"children": {"type": "array", "items": {"$dynamicRef": "#node"}}}}, {"children": [{"children": []}]}),
    ({"allOf": [{"type": "string"}], "anyOf": [{"minLength": 2}, {"pattern": "^a"}], "oneOf": [{"maxLength": 5}, {"format": "email"}],
      "not": {"const": "abc"}}, "ab"),
    ({"if": {"properties": {"k": {"const": 1}}}, "then": {"required": ["v"]}, "else": {"dependentRequired": {"v": ["w"]}},
      "unevaluatedProperties": False, "properties": {"k": True, "v": True, "w": True}}, {"k": 1, "v": 2}),
    ({"type": "array", "prefixItems": [{"type": "integer"}], "items": {"type": "string"}, "contains": {"const": "x"},
      "minContains": 1, "maxContains": 2, "uniqueItems": True, "unevaluatedItems": False}, [1, "x", "y"]),
    ({"patternProperties": {"^x-": {"type": "number", "multipleOf": 0.5}}, "additionalProperties": {"format": "date-time"},
      "propertyNames": {"maxLength": 8}, "dependentSchemas": {"a": {"minProperties": 2}}}, {"x-a": 1.5, "t": "2026-11-24T21:19:45Z"}),
    ({"enum": [1, "two", {"three": [3]}], "$comment": "enum", "title": "t", "default": 1, "x-fuzz": {"any": "thing"}}, {"three": [3]}),
    ({"type": ["string", "null"], "format": "uuid", "maxLength": 36}, "4eae03f1-f34e-40de-8bbe-38017acbc1f4"),
    ({"$ref": "#/$defs/loop", "$defs": {"loop": {"anyOf": [{"$ref": "#/$defs/loop"}, {"type": "null"}]}}}, None),
]
for schema, instance in schemas:
    put("schema", json.dumps(schema).encode() + b"\x00" + json.dumps(instance).encode())
for name in ["common.schema.json", "meta/privacy.schema.json"]:
    path = os.path.join(ROOT, "Schemas", name)
    if os.path.exists(path):
        put("schema", open(path, "rb").read())
if messages:
    current = os.path.join(ROOT, "Schemas/current")
    for name in sorted(os.listdir(current))[:2]:
        put("schema", open(os.path.join(current, name), "rb").read() + b"\x00" + messages[0])

# Captures: the smallest fixture captures whole (pcap in both precisions, pcapng, fragments).
for name in ["lo-snaplen-128.pcap", "lo-nanosecond.pcap", "mixed-link-types.pcapng", "veth-fragment-missing.pcap"]:
    put("capture", open(os.path.join(ROOT, "Fixtures/captures", name), "rb").read())

# Object stream (how a baseline is read): JSON reports as `check --format json` writes them (pretty,
# findings with fingerprints), cut to the fuzzer's length, and the faults a baseline file may have.
report = {"tool": {"name": "usage-audit"}, "format_version": 2,
          "messages": [{"source": "a \\\"b\\\" [c]", "locator": {"line": 1}}],
          "findings": [{"rule": "privacy.personal-data", "message": "holds ']}' and \\u00e9",
                        "fingerprint": "0123456789abcdef0123456789abcdef:%d" % n} for n in range(1, 4)],
          "inputs": []}
put("object-stream", json.dumps(report, indent=2))
put("object-stream", json.dumps(report, separators=(",", ":")))
for case in ['{"findings": []}', '{"findings": [{"rule": "x"}], "format_version": 1}', '[{"fingerprint": "a"}]',
             '{"findings": [{"fingerprint": "a"}], "findings": []}', '{"findings": [1, "x", null, {}]}',
             '{"a": 1,}', '{"findings": [', '"findings"', '{"findings": [{"fingerprint": "a\\u0000"}]} x',
             '{"findings": [{"rule": "x"}], "format_version": [{"rule": "x"}], "format_v": 1}']:
    put("object-stream", case)
