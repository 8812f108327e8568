import JSONCore
import Storage

// The spool encodings of the model. Private to one run (a spool never outlives its process), so they may
// change freely; a round-trip test holds each one exact.

extension Locator: Spoolable {
    public func encode(to encoder: inout SpoolEncoder) {
        switch self {
        case .packet(let number): encoder.writeByte(0); encoder.write(number)
        case .line(let number): encoder.writeByte(1); encoder.write(number)
        case .record(let number): encoder.writeByte(2); encoder.write(number)
        }
    }

    public init(from decoder: inout SpoolDecoder) throws(SpoolError) {
        let kind = try decoder.readByte()
        let number = try decoder.readInt()
        switch kind {
        case 0: self = .packet(number)
        case 1: self = .line(number)
        case 2: self = .record(number)
        default: throw SpoolError("unknown locator kind \(kind)")
        }
    }
}

extension Severity {
    func encode(to encoder: inout SpoolEncoder) { encoder.writeByte(UInt8(ordinal)) }

    init(from decoder: inout SpoolDecoder) throws(SpoolError) {
        let index = Int(try decoder.readByte())
        guard index < Severity.byOrdinal.count else { throw SpoolError("unknown severity \(index)") }
        self = Severity.byOrdinal[index]
    }
}

extension JSONValue {
    /// The tag bytes of an array and of an object (`encode(to:)`).
    static let arrayTag: UInt8 = 6
    static let objectTag: UInt8 = 7

    /// Tag bytes: the cases in declaration order. Recursion follows the value's own depth, which the parser
    /// that made it already bounds.
    func encode(to encoder: inout SpoolEncoder) {
        switch self {
        case .null: encoder.writeByte(0)
        case .bool(let value): encoder.writeByte(value ? 2 : 1)
        case .integer(let value): encoder.writeByte(3); encoder.write(Int(value))
        case .real(let value): encoder.writeByte(4); encoder.write(value)
        case .string(let value): encoder.writeByte(5); encoder.write(value)
        case .array(let elements):
            encoder.writeByte(Self.arrayTag)
            encoder.write(UInt64(elements.count))
            for element in elements { element.encode(to: &encoder) }
        case .object(let object):
            encoder.writeByte(Self.objectTag)
            encoder.write(UInt64(object.count))
            for (key, member) in object {
                encoder.write(key)
                member.encode(to: &encoder)
            }
        }
    }

    init(from decoder: inout SpoolDecoder) throws(SpoolError) {
        let tag = try decoder.readByte()
        switch tag {
        case 0: self = .null
        case 1: self = .bool(false)
        case 2: self = .bool(true)
        case 3: self = .integer(Int64(try decoder.readInt()))
        case 4: self = .real(try decoder.readDouble())
        case 5: self = .string(try decoder.readString())
        case 6:
            let count = try decoder.readUInt64()
            var elements: [JSONValue] = []
            for _ in 0..<count { elements.append(try JSONValue(from: &decoder)) }
            self = .array(elements)
        case 7:
            let count = try decoder.readUInt64()
            var members: [(String, JSONValue)] = []
            for _ in 0..<count { members.append((try decoder.readString(), try JSONValue(from: &decoder))) }
            self = .object(JSONObject(members))
        default: throw SpoolError("unknown JSON tag \(tag)")
        }
    }

    /// Steps `decoder` past an encoded value without making it.
    static func skip(from decoder: inout SpoolDecoder) throws(SpoolError) {
        let tag = try decoder.readByte()
        switch tag {
        case 0, 1, 2: break
        case 3: _ = try decoder.readInt()
        case 4: _ = try decoder.readDouble()
        case 5: _ = try decoder.readStringBytes()
        case 6: for _ in 0..<(try decoder.readUInt64()) { try skip(from: &decoder) }
        case 7:
            for _ in 0..<(try decoder.readUInt64()) {
                _ = try decoder.readStringBytes()
                try skip(from: &decoder)
            }
        default: throw SpoolError("unknown JSON tag \(tag)")
        }
    }
}

extension Finding: AuditListElement {
    /// The order `Finding.RecordView` reads.
    public func encode(to encoder: inout SpoolEncoder) {
        encoder.write(rule)
        severity.encode(to: &encoder)
        encoder.writeName(source)
        encoder.write(locator != nil)
        locator?.encode(to: &encoder)
        encoder.write(sensitiveValues)
        encoder.write(pointer.tokens)
        subject.encode(to: &encoder)
        encoder.write(level)
        encoder.write(correlator)
        encoder.write(message)
        encoder.write(fingerprint)
        encoder.write(baselined)
        region.encode(to: &encoder)
        encoder.write(network.isPresent)
        network?.encode(to: &encoder)
    }

    /// Each field set in place: through the memberwise `init`, the finding was built apart and copied into
    /// `self` (a retain and a release of each of its strings, for every finding read back).
    public init(from decoder: inout SpoolDecoder) throws(SpoolError) {
        let record = try RecordView(reading: &decoder)
        rule = String(utf8: record.rule)
        severity = record.severity
        source = String(utf8: record.source)
        locator = record.locator
        pointer = JSONPointer(tokens: record.pointerTokens.strings())
        level = record.level
        correlator = record.correlator.map(String.init(utf8:))
        message = String(utf8: record.message)
        sensitiveValues = record.sensitiveValues.strings()
        fingerprint = record.fingerprint.map(String.init(utf8:))
        baselined = record.baselined
        region = record.region
        network = record.network?.evidence
        subject = record.subject
    }

    public static func tally(_ element: Finding, into tally: inout AuditListTally) {
        tally.count(element.severity, baselined: element.baselined)
        if element.needsPairing { tally.unpaired += 1 }
        if !element.sensitiveValues.isEmpty { tally.noteSensitive(element.sensitiveValues, rule: element.rule) }
    }
}

extension AuditedMessage: AuditListElement {
    /// The judgment (level and finding count) comes first, in fixed width, so that a message stored before
    /// its session step judged it (an end waiting for its start) can be completed in place
    /// (`judgmentRecord(level:findings:)`); then what `AuditedMessage.Place` reads.
    public func encode(to encoder: inout SpoolEncoder) {
        Self.encodeJudgment(level: level, findings: findings, to: &encoder)
        encoder.writeName(source)
        locator.encode(to: &encoder)
        kind.encode(to: &encoder)
        region.encode(to: &encoder)
        encoder.write(correlator)
        encoder.write(generation)
        encoder.write(parsed)
        encoder.write(payload.isPresent)
        payload?.encode(to: &encoder)
        encoder.write(network.isPresent)
        network?.encode(to: &encoder)
        encoder.write(parslVersion)
        encoder.write(observations)
        encoder.write(UInt64(laterObservations.count))
        for observation in laterObservations { observation.encode(to: &encoder) }
    }

    public init(from decoder: inout SpoolDecoder) throws(SpoolError) {
        let record = try RecordView(reading: &decoder)
        self.init(
            source: String(utf8: record.source), locator: record.locator, kind: record.kind, level: record.level,
            correlator: record.correlator.map(String.init(utf8:)),
            generation: record.generation.map(String.init(utf8:)), parsed: record.parsed,
            findings: record.findings, payload: try record.payload(), region: record.region,
            network: record.network?.evidence)
        parslVersion = record.parslVersion.map(String.init(utf8:))
        observations = record.observations
        laterObservations.reserveCapacity(record.laterObservations.count)
        for sighting in record.laterObservations {
            laterObservations.append(
                Observation(
                    source: String(utf8: sighting.source), locator: sighting.locator,
                    network: sighting.network?.evidence))
        }
    }

    public static func tally(_ element: AuditedMessage, into tally: inout AuditListTally) {
        if !element.parsed { tally.unparsed += 1 }
        tally.observations += element.observations
    }

    /// The first bytes of a message's record: its level (a presence byte, then eight bytes) and its finding
    /// count (eight bytes), always the same length whatever the values.
    private static func encodeJudgment(level: Int?, findings: Int, to encoder: inout SpoolEncoder) {
        encoder.write(level != nil)
        encoder.writeFixed(level ?? 0)
        encoder.writeFixed(findings)
    }

    /// The bytes that replace the front of a stored message's record (`SpoolStore.patch` at the offset its
    /// append returned) once its session step has judged it.
    public static func judgmentRecord(level: Int?, findings: Int) -> [UInt8] {
        var encoder = SpoolEncoder()
        encodeJudgment(level: level, findings: findings, to: &encoder)
        return encoder.bytes.array
    }

    fileprivate static func decodeJudgment(from decoder: inout SpoolDecoder) throws(SpoolError) -> (
        level: Int?, findings: Int
    ) {
        let hasLevel = try decoder.readBool()
        let level = try decoder.readFixedInt()
        return (hasLevel ? level : nil, try decoder.readFixedInt())
    }
}

extension Finding {
    /// A spooled finding read in place: every text as the UTF-8 bytes of its record, no `String` made, for
    /// a writer that copies them out (the JSON report writes a million findings). The one decoder of a
    /// whole finding record (`Finding(from:)` is built on it). Valid only while its record is being read:
    /// inside the closure of `AuditList.forEachRecord`.
    public struct RecordView {
        public var rule: UnsafeRawBufferPointer
        public var severity: Severity
        /// The input, as the bytes of its name in `SpoolNames` (written by number: `SpoolEncoder.writeName`).
        public var source: UnsafeRawBufferPointer
        public var locator: Locator?
        public var sensitiveValues: StringList
        /// The pointer's reference tokens, unescaped.
        public var pointerTokens: StringList
        public var subject: Subject?
        public var level: Int?
        public var correlator: UnsafeRawBufferPointer?
        public var message: UnsafeRawBufferPointer
        public var fingerprint: UnsafeRawBufferPointer?
        public var baselined: Bool
        public var region: ByteRegion?
        public var network: Network?

        /// The first fields of a finding's record, which say what it is and where: all that sorting findings
        /// by place and counting them read, without stepping over the rest of the record as `RecordView` does.
        public struct Front {
            public var rule: UnsafeRawBufferPointer
            public var severity: Severity
            public var source: UnsafeRawBufferPointer
            public var locator: Locator?

            public init(reading decoder: inout SpoolDecoder) throws(SpoolError) {
                rule = try decoder.readStringBytes()
                severity = try Severity(from: &decoder)
                source = try decoder.readNameBytes()
                locator = try decoder.readBool() ? try Locator(from: &decoder) : nil
            }
        }

        /// `NetworkEvidence`, as bytes of the record.
        public struct Network {
            public var from: UnsafeRawBufferPointer
            public var to: UnsafeRawBufferPointer?
            public var time: UnsafeRawBufferPointer
            public var interface: UnsafeRawBufferPointer?
        }

        /// Strings in a row in the record, read when asked.
        public struct StringList {
            fileprivate var decoder: SpoolDecoder
            public let count: Int

            /// Reads the count and steps `decoder` past the strings.
            fileprivate init(reading decoder: inout SpoolDecoder) throws(SpoolError) {
                count = Int(clamping: try decoder.readUInt64())
                self.decoder = decoder
                for _ in 0..<count { _ = try decoder.readStringBytes() }
            }

            /// Each string; reading them again cannot fail, as making the list read them all once.
            public func forEach(_ body: (UnsafeRawBufferPointer) -> Void) {
                var reader = decoder
                for _ in 0..<count {
                    guard let bytes = try? reader.readStringBytes() else { return }
                    body(bytes)
                }
            }

            public func strings() -> [String] {
                var strings: [String] = []
                strings.reserveCapacity(count)
                forEach { strings.append(String(utf8: $0)) }
                return strings
            }

            /// Each string, made through this thread's interned strings (`InternedStrings`): for lists whose
            /// strings repeat from record to record, such as a finding's pointer.
            public func internedStrings() -> [String] {
                var strings: [String] = []
                strings.reserveCapacity(count)
                forEach { strings.append(InternedStrings.string($0)) }
                return strings
            }
        }

        public init(reading decoder: inout SpoolDecoder) throws(SpoolError) {
            let front = try Front(reading: &decoder)
            rule = front.rule
            severity = front.severity
            source = front.source
            locator = front.locator
            sensitiveValues = try StringList(reading: &decoder)
            pointerTokens = try StringList(reading: &decoder)
            subject = try Finding.Subject.decodeOptional(from: &decoder)
            level = try decoder.readOptionalInt()
            correlator = try decoder.readOptionalStringBytes()
            message = try decoder.readStringBytes()
            fingerprint = try decoder.readOptionalStringBytes()
            baselined = try decoder.readBool()
            region = try ByteRegion.decodeOptional(from: &decoder)
            network = try Network.decodeOptional(from: &decoder)
        }
    }
}

extension Finding.RecordView.Network {
    /// The network evidence `NetworkEvidence?.encode` wrote, as bytes of the record.
    static func decodeOptional(from decoder: inout SpoolDecoder) throws(SpoolError) -> Self? {
        guard try decoder.readBool() else { return nil }
        return Self(
            from: try decoder.readStringBytes(), to: try decoder.readOptionalStringBytes(),
            time: try decoder.readStringBytes(), interface: try decoder.readOptionalStringBytes())
    }

    var evidence: NetworkEvidence {
        NetworkEvidence(
            from: String(utf8: from), to: to.map(String.init(utf8:)), time: String(utf8: time),
            interface: interface.map(String.init(utf8:)))
    }
}

extension AuditedMessage {
    /// A spooled message read in place, every text as the UTF-8 bytes of its record, for a writer that
    /// copies them out (the JSON report writes a line of a million messages). The one decoder of a whole
    /// message record (`AuditedMessage(from:)` is built on it). Valid only while its record is being read:
    /// inside the closure of `AuditList.forEachRecord`.
    public struct RecordView {
        /// The input, as the bytes of its name in `SpoolNames` (written by number: `SpoolEncoder.writeName`).
        public var source: UnsafeRawBufferPointer
        public var locator: Locator
        public var kind: MessageKind
        public var region: ByteRegion?
        public var level: Int?
        public var correlator: UnsafeRawBufferPointer?
        public var generation: UnsafeRawBufferPointer?
        public var parsed: Bool
        public var findings: Int
        /// Positioned at the payload, when the message kept one: `payload()` decodes it.
        private var payloadDecoder: SpoolDecoder?
        public var network: Finding.RecordView.Network?
        public var parslVersion: UnsafeRawBufferPointer?
        public var observations: Int
        public var laterObservations: ObservationList

        /// The later sightings in a row in the record, read when iterated.
        public struct ObservationList: Sequence {
            private var decoder: SpoolDecoder
            public let count: Int

            /// Reads the count and steps `decoder` past the sightings.
            fileprivate init(reading decoder: inout SpoolDecoder) throws(SpoolError) {
                count = Int(clamping: try decoder.readUInt64())
                self.decoder = decoder
                for _ in 0..<count { _ = try Sighting(reading: &decoder) }
            }

            /// One sighting, as bytes of the record.
            public struct Sighting {
                public var source: UnsafeRawBufferPointer
                public var locator: Locator
                public var network: Finding.RecordView.Network?

                fileprivate init(reading decoder: inout SpoolDecoder) throws(SpoolError) {
                    source = try decoder.readNameBytes()
                    locator = try Locator(from: &decoder)
                    network = try .decodeOptional(from: &decoder)
                }
            }

            /// Each sighting; reading them again cannot fail, as making the list read them all once.
            public struct Iterator: IteratorProtocol {
                fileprivate var decoder: SpoolDecoder
                fileprivate var remaining: Int

                public mutating func next() -> Sighting? {
                    guard remaining > 0, let sighting = try? Sighting(reading: &decoder) else { return nil }
                    remaining -= 1
                    return sighting
                }
            }

            public func makeIterator() -> Iterator { Iterator(decoder: decoder, remaining: count) }
        }

        public init(reading decoder: inout SpoolDecoder) throws(SpoolError) {
            (level, findings) = try AuditedMessage.decodeJudgment(from: &decoder)
            source = try decoder.readNameBytes()
            locator = try Locator(from: &decoder)
            kind = try MessageKind(from: &decoder)
            region = try ByteRegion.decodeOptional(from: &decoder)
            correlator = try decoder.readOptionalStringBytes()
            generation = try decoder.readOptionalStringBytes()
            parsed = try decoder.readBool()
            if try decoder.readBool() {
                payloadDecoder = decoder
                try JSONValue.skip(from: &decoder)
            }
            network = try .decodeOptional(from: &decoder)
            parslVersion = try decoder.readOptionalStringBytes()
            observations = try decoder.readInt()
            laterObservations = try ObservationList(reading: &decoder)
        }

        /// Walks the kept payload's fields as the disclosure matrix names them, without decoding it: `body`
        /// gets each top-level key (`member` nil) and, for each object inside a top-level list, the list's key
        /// and each of the object's keys, in the order written. False, calling nothing, when the message kept
        /// no payload or its payload is not an object.
        public func forEachPayloadField(
            _ body: (_ key: UnsafeRawBufferPointer, _ member: UnsafeRawBufferPointer?) -> Void
        ) throws(SpoolError) -> Bool {
            guard var decoder = payloadDecoder, try decoder.readByte() == JSONValue.objectTag else { return false }
            for _ in 0..<(try decoder.readUInt64()) {
                let key = try decoder.readStringBytes()
                body(key, nil)
                guard try decoder.peekByte() == JSONValue.arrayTag else {
                    try JSONValue.skip(from: &decoder)
                    continue
                }
                _ = try decoder.readByte()
                for _ in 0..<(try decoder.readUInt64()) {
                    guard try decoder.peekByte() == JSONValue.objectTag else {
                        try JSONValue.skip(from: &decoder)
                        continue
                    }
                    _ = try decoder.readByte()
                    for _ in 0..<(try decoder.readUInt64()) {
                        body(key, try decoder.readStringBytes())
                        try JSONValue.skip(from: &decoder)
                    }
                }
            }
            return true
        }

        /// What sits at `pointer` in the kept payload, found by walking its stored form along the pointer's
        /// tokens without decoding it (keys matched as `JSONObject` matches them, array indices read as
        /// `JSONPointer.resolve` reads them): whether the value there is an object, and whether the container
        /// it was found in is an array. `nil` when the message kept no payload or nothing is there.
        public func payloadPlace(at pointer: JSONPointer) throws(SpoolError) -> (isObject: Bool, inArray: Bool)? {
            guard var decoder = payloadDecoder else { return nil }
            var inArray = false
            for token in pointer.tokens {
                switch try decoder.readByte() {
                case JSONValue.objectTag:
                    var found = false
                    for _ in 0..<(try decoder.readUInt64()) {
                        if Self.key(try decoder.readStringBytes(), is: token) {
                            found = true
                            break
                        }
                        try JSONValue.skip(from: &decoder)
                    }
                    guard found else { return nil }
                    inArray = false
                case JSONValue.arrayTag:
                    let count = try decoder.readUInt64()
                    guard let index = JSONPointer.arrayIndex(token), UInt64(index) < count else { return nil }
                    for _ in 0..<index { try JSONValue.skip(from: &decoder) }
                    inArray = true
                default:
                    return nil
                }
            }
            return (try decoder.peekByte() == JSONValue.objectTag, inArray)
        }

        /// Whether a stored key is `token` as strings compare (by canonical equivalence, so text outside ASCII
        /// may be equal in other bytes).
        private static func key(_ key: UnsafeRawBufferPointer, is token: String) -> Bool {
            if token.utf8.count == key.count && token.utf8.elementsEqual(key) { return true }
            if token.utf8.allSatisfy({ $0 < 0x80 }) && key.allSatisfy({ $0 < 0x80 }) { return false }
            return String(decoding: key, as: UTF8.self) == token
        }

        /// The decoded payload, if the message kept one.
        public func payload() throws(SpoolError) -> JSONValue? {
            guard var decoder = payloadDecoder else { return nil }
            return try JSONValue(from: &decoder)
        }
    }
}

extension MessageKind: Spoolable {
    public func encode(to encoder: inout SpoolEncoder) {
        encoder.writeByte(UInt8(ordinal))
    }

    public init(from decoder: inout SpoolDecoder) throws(SpoolError) {
        let index = Int(try decoder.readByte())
        guard index < MessageKind.byOrdinal.count else { throw SpoolError("unknown message kind \(index)") }
        self = MessageKind.byOrdinal[index]
    }
}

extension String {
    /// A string from UTF-8 bytes a spool record holds (written from a `String`, so valid).
    init(utf8 bytes: UnsafeRawBufferPointer) { self.init(decoding: bytes, as: UTF8.self) }
}

extension Finding.Place: SpoolDecodable {
    /// Reads the fields of a spooled finding's record that a place holds, which come first (in the order
    /// `Finding.RecordView` reads them), and leaves the rest unread; its rule, input and pointer, which
    /// repeat from finding to finding, through this thread's interned strings.
    public init(from decoder: inout SpoolDecoder) throws(SpoolError) {
        let front = try Finding.RecordView.Front(reading: &decoder)
        rule = InternedStrings.string(front.rule)
        severity = front.severity
        source = InternedStrings.string(front.source)
        locator = front.locator
        sensitiveValues = try Finding.RecordView.StringList(reading: &decoder).strings()
        pointer = JSONPointer(tokens: try Finding.RecordView.StringList(reading: &decoder).internedStrings())
        subject = try Finding.Subject.decodeOptional(from: &decoder)
        decoder.skipRest()
    }
}

extension Finding.Subject {
    /// One byte: 0 for none, else 1 + the kind's index; then the region.
    static func decodeOptional(from decoder: inout SpoolDecoder) throws(SpoolError) -> Finding.Subject? {
        let tag = Int(try decoder.readByte())
        guard tag > 0 else { return nil }
        guard tag <= MessageKind.byOrdinal.count else { throw SpoolError("unknown message kind \(tag - 1)") }
        return Finding.Subject(
            kind: MessageKind.byOrdinal[tag - 1], region: try ByteRegion.decodeOptional(from: &decoder))
    }
}

extension Finding.Subject? {
    func encode(to encoder: inout SpoolEncoder) {
        guard let subject = self else { return encoder.writeByte(0) }
        encoder.writeByte(UInt8(1 + subject.kind.ordinal))
        subject.region.encode(to: &encoder)
    }
}

extension AuditedMessage.Summary: SpoolDecodable {
    /// Reads the front of a spooled message up to whether it was decoded, leaving the rest unread, in the
    /// order `AuditedMessage.encode` wrote the fields (as `RecordView` reads them).
    public init(from decoder: inout SpoolDecoder) throws(SpoolError) {
        (level, _) = try AuditedMessage.decodeJudgment(from: &decoder)
        _ = try decoder.readNameBytes()  // the source
        _ = try Locator(from: &decoder)
        kind = try MessageKind(from: &decoder)
        _ = try ByteRegion.decodeOptional(from: &decoder)
        _ = try decoder.readOptionalStringBytes()  // the correlator
        generation = try decoder.readOptionalStringBytes().map(String.init(utf8:))
        parsed = try decoder.readBool()
        decoder.skipRest()
    }
}

extension AuditedMessage {
    /// The source a spooled message's record names, as bytes of the record, read from its front (the
    /// judgment, then the source); `decoder` is left after it.
    public static func sourceBytes(reading decoder: inout SpoolDecoder) throws(SpoolError) -> UnsafeRawBufferPointer {
        _ = try decodeJudgment(from: &decoder)
        return try decoder.readNameBytes()
    }
}

extension AuditedMessage.Place: SpoolDecodable {
    /// Reads the front of a spooled message, leaving the rest of the record unread.
    public init(from decoder: inout SpoolDecoder) throws(SpoolError) {
        try self.init(front: &decoder)
        decoder.skipRest()
    }

    fileprivate init(front decoder: inout SpoolDecoder) throws(SpoolError) {
        _ = try AuditedMessage.decodeJudgment(from: &decoder)
        source = try decoder.readName()
        locator = try Locator(from: &decoder)
        kind = try MessageKind(from: &decoder)
        region = try ByteRegion.decodeOptional(from: &decoder)
    }
}

extension NetworkEvidence {
    /// Read back through `Finding.RecordView.Network`.
    func encode(to encoder: inout SpoolEncoder) {
        encoder.write(from)
        encoder.write(to)
        encoder.write(time)
        encoder.write(interface)
    }
}

extension Observation {
    /// Read back through `AuditedMessage.RecordView.ObservationList`.
    func encode(to encoder: inout SpoolEncoder) {
        encoder.writeName(source)
        locator.encode(to: &encoder)
        encoder.write(network.isPresent)
        network?.encode(to: &encoder)
    }
}

extension ByteRegion {
    static func decodeOptional(from decoder: inout SpoolDecoder) throws(SpoolError) -> ByteRegion? {
        guard try decoder.readBool() else { return nil }
        return ByteRegion(offset: try decoder.readInt(), length: try decoder.readInt())
    }
}

extension ByteRegion? {
    func encode(to encoder: inout SpoolEncoder) {
        encoder.write(self != nil)
        if let region = self {
            encoder.write(region.offset)
            encoder.write(region.length)
        }
    }
}
