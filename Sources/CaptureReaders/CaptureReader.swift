import SystemPackage

// A capture is read through a C stdio stream (`FILE *`): libpcap takes one (`pcap_fopen_offline`), and the pcapng
// reader shares its buffering. swift-system has descriptors, not streams.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a pcap or pcapng capture and yields, one at a time, what it holds for one UDP port.
///
/// ```swift
/// let reader = try CaptureReader(path: "lo.pcapng")          // port 50077
/// for event in reader {
///     switch event {
///     case .datagram(let datagram): audit(datagram.payload, at: .packet(datagram.frame))
///     case .truncated(let cut): report("capture.truncated", at: cut.frame)
///     case .fragmentMissing(let loss): report("capture.fragment-missing", at: loss.frame)
///     case .unsupportedLinkType(let link): note(link)
///     case .damaged(let damage): report(damage); exitStatus = 2   // always the last event
///     }
/// }
/// ```
///
/// The format comes from the file's magic number, never its name: pcap (either byte order, micro- or
/// nanosecond) is read through libpcap, pcapng by our own block reader (libpcap 1.10 refuses pcapng files
/// whose interfaces differ in link type and stops at the first damaged block). Memory stays flat: one frame
/// buffer, plus fragments held for reassembly within ``ReassemblyLimits``.
///
/// Not `Sendable`: it is a cursor over a file with mutable state, to be used from one task at a time.
public final class CaptureReader: Sequence, IteratorProtocol {
    /// The two file formats, told apart by their magic number.
    public enum Format: String, Sendable {
        case pcap
        case pcapng
    }

    /// Counts since the file was opened, for summaries and benchmarks.
    public struct Statistics: Sendable, Equatable {
        /// Frames read (every packet record, whatever it holds).
        public var frames = 0
        /// Bytes of frame data read (the sum of captured lengths).
        public var frameBytes = 0
        /// `.datagram` events delivered.
        public var datagrams = 0
        /// Of which reassembled from fragments.
        public var reassembledDatagrams = 0
        /// `.truncated` events.
        public var truncatedDatagrams = 0
        /// `.fragmentMissing` events.
        public var fragmentLosses = 0
        /// Whole (unfragmented) UDP datagrams, to any port.
        public var udpDatagrams = 0
        /// Datagrams to other ports whose payload looks like a usage message (starts like one and names a
        /// `correlator` or `uuid`), by port: what a capture with nothing for the port held instead. At most
        /// `maxTrackedPorts` ports are kept.
        public var usageLikeDatagramsByPort: [UInt16: Int] = [:]
        /// How many ports `usageLikeDatagramsByPort` keeps (a scan of every port must not grow it unbounded).
        public static let maxTrackedPorts = 64
    }

    /// The path given, or the name given for a file descriptor (`-` for standard input).
    public let path: String
    public let format: Format
    /// The UDP destination port whose datagrams are delivered.
    public let port: UInt16
    public private(set) var statistics = Statistics()

    private let source: any FrameSource

    /// Whether frames may come from more than one interface: a pcapng file may describe several; a classic
    /// pcap file has one.
    public var mayHaveSeveralInterfaces: Bool { !(source is LibpcapFrameSource) }
    private let decoder: PacketDecoder
    private var reassembler: FragmentReassembler
    /// Decoded link layer per interface, filled at each interface's first frame.
    private var linkStates: [LinkState] = []
    /// Events waiting to be returned (fragment losses found while reading a frame come before its own event).
    private var queued: [CaptureEvent] = []
    private var queuedHead = 0
    private var finished = false
    private var losses: [(FragmentReassembler.Pending, FragmentLoss.Reason)] = []

    private enum LinkState {
        case unseen
        case decoded(LinkLayer)
        case unsupported
    }

    /// The default port of Parsl's usage tracking.
    public static let defaultPort: UInt16 = 50077

    /// Opens the capture at `path`.
    public convenience init(
        path: String, port: UInt16 = CaptureReader.defaultPort, limits: ReassemblyLimits = .default
    ) throws(CaptureOpenError) {
        guard let file = fopen(path, "rb") else {
            throw CaptureOpenError(code: .unreadable, message: "\(Errno(rawValue: errno))", path: path)
        }
        try self.init(file: file, path: path, port: port, limits: limits)
    }

    /// Reads the capture from an open file descriptor, such as standard input (`0`) fed by
    /// `tcpdump -w -`, from its current position. The descriptor is duplicated: the caller still owns and
    /// closes its own.
    ///
    /// - Parameter alreadyRead: bytes the caller has already read from the descriptor (to detect the kind
    ///   of input, say): the capture starts with them, then continues with what the descriptor holds.
    public convenience init(
        fileDescriptor: Int32, name: String = "-", alreadyRead: [UInt8] = [],
        port: UInt16 = CaptureReader.defaultPort, limits: ReassemblyLimits = .default
    ) throws(CaptureOpenError) {
        let duplicate: FileDescriptor
        do {
            duplicate = try FileDescriptor(rawValue: fileDescriptor).duplicate()
        } catch {
            throw CaptureOpenError(code: .unreadable, message: "\(error)", path: name)
        }
        guard let file = fdopen(duplicate.rawValue, "rb") else {
            let reason = Errno(rawValue: errno)
            try? duplicate.close()
            throw CaptureOpenError(code: .unreadable, message: "\(reason)", path: name)
        }
        try self.init(file: file, alreadyRead: alreadyRead, path: name, port: port, limits: limits)
    }

    /// Reads a capture held in memory, through the same stdio stream reading as a file: `bytes` are copied
    /// into a memory stream (`fmemopen`, which owns its buffer and frees it when the reader closes the
    /// stream). For the fuzz target and for captures that arrive whole.
    public convenience init(
        bytes: [UInt8], name: String, port: UInt16 = CaptureReader.defaultPort, limits: ReassemblyLimits = .default
    ) throws(CaptureOpenError) {
        // One byte more than the capture: a memory stream opened for writing puts a NUL after what was
        // written, over the last byte when there is no room (glibc). Reading stops at what was written.
        guard let file = fmemopen(nil, bytes.count + 1, "w+") else {
            throw CaptureOpenError(code: .unreadable, message: "\(Errno(rawValue: errno))", path: name)
        }
        guard fwrite(bytes, 1, bytes.count, file) == bytes.count, fseeko(file, 0, SEEK_SET) == 0 else {
            let message = "\(Errno(rawValue: errno))"
            fclose(file)
            throw CaptureOpenError(code: .unreadable, message: message, path: name)
        }
        try self.init(file: file, path: name, port: port, limits: limits, inMemory: true)
    }

    /// Takes ownership of `file`, whose bytes continue `alreadyRead`.
    private init(
        file: UnsafeMutablePointer<FILE>, alreadyRead: [UInt8] = [], path: String, port: UInt16,
        limits: ReassemblyLimits, inMemory: Bool = false
    ) throws(CaptureOpenError) {
        // A large stdio buffer: libpcap reads each record with two small `fread`s. A memory stream needs none
        // (its reads are copies).
        if !inMemory { setvbuf(file, nil, _IOFBF, 1 << 20) }
        // Where the capture starts in a seekable file, to go back there for libpcap; -1 for a pipe.
        let start = alreadyRead.isEmpty ? ftello(file) : -1
        var prefix = alreadyRead
        if prefix.count < 4 {
            var more = [UInt8](repeating: 0, count: 4 - prefix.count)
            let count = fread(&more, 1, more.count, file)
            if count < more.count && ferror(file) != 0 {
                let message = "\(Errno(rawValue: errno))"
                fclose(file)
                throw CaptureOpenError(code: .unreadable, message: message, path: path)
            }
            prefix += more[..<count]
        }
        guard let format = Self.format(ofFirstBytes: prefix) else {
            fclose(file)
            let shown = prefix.prefix(4).map { String($0, radix: 16) }.joined(separator: " ")
            let message =
                prefix.isEmpty
                ? "not a capture: the file is empty"
                : "not a capture: first bytes \(shown) are neither pcap nor pcapng magic"
            throw CaptureOpenError(code: .notACapture, message: message, path: path)
        }
        switch format {
        case .pcapng:
            source = PcapngFrameSource(file: file, prefix: prefix)
        case .pcap:
            // libpcap reads the header itself: go back to the start of a file, or push the bytes already
            // read back into a pipe's stream. C guarantees one byte of push-back; glibc and Darwin's libc
            // take any number (their documented behaviour, checked by the tests with a kilobyte).
            if !(start >= 0 && fseeko(file, start, SEEK_SET) == 0) {
                clearerr(file)
                for byte in prefix.reversed() where ungetc(Int32(byte), file) == EOF {
                    fclose(file)
                    throw CaptureOpenError(
                        code: .unreadable, message: "cannot push the bytes already read back into the stream",
                        path: path)
                }
            }
            let magic = prefix.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            source = try LibpcapFrameSource(
                file: file, path: path, modifiedFormat: magic == 0xA1B2_CD34 || magic == 0x34CD_B2A1)
        }
        self.path = path
        self.format = format
        self.port = port
        decoder = PacketDecoder(port: port)
        reassembler = FragmentReassembler(port: port, limits: limits)
    }

    /// The format whose magic number `firstBytes` starts with, or nil.
    ///
    /// pcap: `a1b2c3d4` (microseconds) and `a1b23c4d` (nanoseconds), in either byte order, and `a1b2cd34`
    /// (Alexey Kuznetzov's modified pcap, which libpcap also reads). pcapng: the section header block type
    /// `0a0d0d0a` (a palindrome, so the same in both byte orders).
    public static func format(ofFirstBytes firstBytes: some Collection<UInt8>) -> Format? {
        guard firstBytes.count >= 4 else { return nil }
        let magic = firstBytes.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        switch magic {
        case 0xA1B2_C3D4, 0xD4C3_B2A1, 0xA1B2_3C4D, 0x4D3C_B2A1, 0xA1B2_CD34, 0x34CD_B2A1: return .pcap
        case PcapngFrameSource.sectionHeaderType: return .pcapng
        default: return nil
        }
    }

    /// Whether `firstBytes` (four are enough) start a pcap or pcapng file: for input-kind detection.
    public static func looksLikeCapture(firstBytes: some Collection<UInt8>) -> Bool {
        format(ofFirstBytes: firstBytes) != nil
    }

    /// The next event, or nil after the last; after `.damaged` there is none.
    public func next() -> CaptureEvent? {
        while true {
            if queuedHead < queued.count {
                let event = queued[queuedHead]
                queuedHead += 1
                if queuedHead == queued.count {
                    queued.removeAll(keepingCapacity: true)
                    queuedHead = 0
                }
                return event
            }
            if finished { return nil }
            switch source.nextFrame() {
            case .end:
                finish(damage: nil)
            case .damaged(let offset, let reason):
                finish(damage: CaptureDamage(frame: statistics.frames + 1, offset: offset, reason: reason))
            case .frame(let frame):
                statistics.frames += 1
                statistics.frameBytes += frame.capturedLength
                if let event = process(frame, number: statistics.frames) {
                    if queued.isEmpty { return event }
                    queued.append(event)
                }
            }
        }
    }

    /// The event for one frame, if any, with the frame's interface on a datagram or a cut one.
    private func process(_ frame: RawFrame, number: Int) -> CaptureEvent? {
        switch decodeFrame(frame, number: number) {
        case .datagram(var datagram):
            datagram.interface = frame.interface
            datagram.interfaceName = source.interfaceName(frame.interface)
            return .datagram(datagram)
        case .truncated(var cut):
            cut.interface = frame.interface
            cut.interfaceName = source.interfaceName(frame.interface)
            return .truncated(cut)
        case let other:
            return other
        }
    }

    /// The event for one frame, if any; fragment losses it reveals go to `queued` first.
    private func decodeFrame(_ frame: RawFrame, number: Int) -> CaptureEvent? {
        if !reassembler.isEmpty {
            reassembler.expire(before: frame.timestamp, into: &losses)
            flushLosses()
        }
        let link: LinkLayer
        switch linkState(of: frame) {
        case .decoded(let decoded): link = decoded
        case .unsupported, .unseen: return nil
        }
        switch decoder.decode(frame.bytes, link: link) {
        case .nothing:
            return nil
        case .otherPort(let port, let payload):
            statistics.udpDatagrams += 1
            if UsageLikePayload.matches(UnsafeRawBufferPointer(rebasing: frame.bytes[payload])),
                statistics.usageLikeDatagramsByPort[port] != nil
                    || statistics.usageLikeDatagramsByPort.count < Statistics.maxTrackedPorts
            {
                statistics.usageLikeDatagramsByPort[port, default: 0] += 1
            }
            return nil
        case .datagram(let source, let destination, let payload):
            statistics.udpDatagrams += 1
            statistics.datagrams += 1
            var datagram = CapturedDatagram(
                frame: number, timestamp: frame.timestamp, source: source, destination: destination,
                payload: Array(frame.bytes[payload]))
            datagram.record = frame.record
            return .datagram(datagram)
        case .truncated(let source, let destination):
            statistics.truncatedDatagrams += 1
            var cut = TruncatedDatagram(
                frame: number, timestamp: frame.timestamp, source: source, destination: destination,
                capturedLength: frame.capturedLength, originalLength: frame.originalLength)
            cut.record = frame.record
            return .truncated(cut)
        case .fragment(let piece):
            let outcome = reassembler.add(
                piece, bytes: UnsafeRawBufferPointer(rebasing: frame.bytes[piece.data]), frame: number,
                timestamp: frame.timestamp, capturedLength: frame.capturedLength,
                originalLength: frame.originalLength, evicted: &losses)
            flushLosses()
            switch outcome {
            case .pending, .duplicate:
                return nil
            case .rejected(let datagram, let reason):
                return lossEvent(datagram, reason)
            case .complete(let datagram):
                let event = reassembled(datagram, frame: number, timestamp: frame.timestamp)
                guard case .datagram(var whole)? = event else { return event }
                whole.record = frame.record
                return .datagram(whole)
            }
        }
    }

    private func linkState(of frame: RawFrame) -> LinkState {
        if frame.interface < linkStates.count {
            switch linkStates[frame.interface] {
            case .unseen: break
            case let known: return known
            }
        }
        while linkStates.count <= frame.interface { linkStates.append(.unseen) }
        if let layer = LinkLayer(linkType: frame.linkType) {
            linkStates[frame.interface] = .decoded(layer)
        } else {
            linkStates[frame.interface] = .unsupported
            queued.append(
                .unsupportedLinkType(
                    UnsupportedLinkType(
                        frame: statistics.frames, interface: frame.interface, linkType: frame.linkType,
                        name: source.linkTypeName(frame.linkType))))
        }
        return linkStates[frame.interface]
    }

    /// The event for a datagram whose last missing fragment just arrived in frame `number`.
    private func reassembled(
        _ datagram: FragmentReassembler.Pending, frame number: Int, timestamp: CaptureTimestamp
    ) -> CaptureEvent? {
        guard reassembler.concernsPort(datagram) else { return nil }
        let content = datagram.data.withUnsafeBytes { bytes -> FrameContent in
            switch datagram.key.source {
            case .v4:
                decoder.decodeUDP(
                    bytes, at: 0, declaredEnd: bytes.count, capturedEnd: bytes.count,
                    source: datagram.key.source, destination: datagram.key.destination)
            case .v6:
                decoder.decodeIPv6Chain(
                    bytes, at: 0, nextHeader: datagram.nextHeader, declaredEnd: bytes.count,
                    capturedEnd: bytes.count, source: datagram.key.source, destination: datagram.key.destination,
                    fragmentHeaderAllowed: false)
            }
        }
        switch content {
        case .nothing, .fragment, .otherPort:
            return nil
        case .datagram(let source, let destination, let payload):
            if let cut = datagram.cut {
                statistics.truncatedDatagrams += 1
                return .truncated(
                    TruncatedDatagram(
                        frame: cut.frame, timestamp: cut.timestamp, source: source, destination: destination,
                        capturedLength: cut.captured, originalLength: cut.original))
            }
            statistics.datagrams += 1
            statistics.reassembledDatagrams += 1
            return .datagram(
                CapturedDatagram(
                    frame: number, timestamp: timestamp, source: source, destination: destination,
                    payload: Array(datagram.data[payload]), fragmentCount: datagram.fragments))
        case .truncated(let source, let destination):
            statistics.truncatedDatagrams += 1
            let cut = datagram.cut ?? (number, timestamp, 0, 0)
            return .truncated(
                TruncatedDatagram(
                    frame: cut.frame, timestamp: cut.timestamp, source: source, destination: destination,
                    capturedLength: cut.captured, originalLength: cut.original))
        }
    }

    private func lossEvent(_ datagram: FragmentReassembler.Pending, _ reason: FragmentLoss.Reason) -> CaptureEvent? {
        guard reassembler.concernsPort(datagram) else { return nil }
        statistics.fragmentLosses += 1
        var port: UInt16?
        if case .udpPort(let known) = datagram.target { port = known }
        return .fragmentMissing(
            FragmentLoss(
                frame: datagram.firstFrame, lastFrame: datagram.lastFrame, timestamp: datagram.firstTimestamp,
                source: datagram.key.source, destination: datagram.key.destination, destinationPort: port,
                identification: datagram.key.identification, fragmentsReceived: datagram.fragments,
                bytesReceived: datagram.bytesReceived, expectedLength: datagram.totalLength, reason: reason))
    }

    private func flushLosses() {
        guard !losses.isEmpty else { return }
        for (datagram, reason) in losses {
            if let event = lossEvent(datagram, reason) { queued.append(event) }
        }
        losses.removeAll(keepingCapacity: true)
    }

    /// The end of the frames: datagrams still waiting for fragments are lost, then the damage if any.
    private func finish(damage: CaptureDamage?) {
        finished = true
        reassembler.drain(into: &losses)
        flushLosses()
        if let damage { queued.append(.damaged(damage)) }
    }
}

/// A reader is a cursor over one file with mutable state (buffers, reassembly): use it from one task at a
/// time, or move it whole to another before reading there.
@available(*, unavailable)
extension CaptureReader: Sendable {}

/// Whether a datagram's payload looks like a usage message: it starts as one (`1{` or `{`) and names a
/// `correlator` or `uuid` member within its first kilobytes. Cheap: only the head is looked at.
enum UsageLikePayload {
    private static let names = [Array("\"correlator\"".utf8), Array("\"uuid\"".utf8)]
    private static let window = 4096

    static func matches(_ payload: UnsafeRawBufferPointer) -> Bool {
        let head = payload.prefix(window)
        guard let first = head.first else { return false }
        guard first == UInt8(ascii: "{") || (first == UInt8(ascii: "1") && head.dropFirst().first == UInt8(ascii: "{"))
        else { return false }
        return names.contains { name in
            var i = head.startIndex
            while let found = head[i...].firstIndex(of: name[0]) {
                if head[found...].starts(with: name) { return true }
                i = found + 1
            }
            return false
        }
    }
}
