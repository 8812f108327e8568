import CPcap

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Our own pcapng block reader: section headers in either byte order, interfaces with their own link type,
/// time-stamp resolution and offset, and the three packet blocks (enhanced, simple, obsolete); every other
/// block is skipped by its length.
///
/// libpcap 1.10 refuses a file whose interfaces differ in link type (what `dumpcap -i any -i eth0` and
/// `mergecap` write) and reads no further than a damaged block; both are everyday captures for an auditor,
/// so pcapng never goes through libpcap. Reading is through one buffer reused for the whole file, so memory
/// stays flat whatever the file's size; a block may not exceed ``maxBlockLength``.
final class PcapngFrameSource: FrameSource {
    /// The largest block accepted, as libpcap's own reader (16 MiB): a length beyond it is damage, not a
    /// reason to allocate.
    static let maxBlockLength = 16 << 20
    static let sectionHeaderType: UInt32 = 0x0A0D_0D0A
    private static let readSize = 1 << 20

    private struct Interface {
        var linkType: Int
        var snapLength: Int
        /// Time-stamp units per second (`if_tsresol`, 10^6 by default).
        var unitsPerSecond: UInt64
        /// Seconds added to every time stamp (`if_tsoffset`).
        var offsetSeconds: Int64
        /// Numbered across the whole file.
        var globalIndex: Int
        /// `if_name` (option 2), at most `maxInterfaceName` bytes of it.
        var name: String? = nil
    }

    /// Bounds on what a hostile file can make us keep about its interfaces.
    static let maxNamedInterfaces = 4096
    static let maxInterfaceName = 256

    func interfaceName(_ interface: Int) -> String? { interfaceNames[interface] }

    private let file: UnsafeMutablePointer<FILE>
    private var buffer: UnsafeMutableRawBufferPointer
    /// Valid bytes are `buffer[start..<end]`; `start` is at file offset `startOffset`.
    private var start = 0
    private var end = 0
    private var startOffset = 0
    /// The block returned last, consumed at the next call (its bytes back the returned frame).
    private var returnedBlockLength = 0
    private var reachedEndOfFile = false
    private var bigEndian = false
    private var interfaces: [Interface] = []
    private var interfacesInEarlierSections = 0
    /// Interface names (`if_name`) by their number across the file; interfaces without one are absent.
    private var interfaceNames: [Int: String] = [:]

    /// Takes ownership of `file`, already positioned after `prefix` (the bytes read to detect the format).
    init(file: UnsafeMutablePointer<FILE>, prefix: [UInt8]) {
        self.file = file
        buffer = .allocate(byteCount: max(Self.readSize, prefix.count), alignment: 8)
        buffer.copyBytes(from: prefix)
        end = prefix.count
    }

    deinit {
        buffer.deallocate()
        fclose(file)
    }

    /// Makes `count` bytes available at `start`, reading more of the file; false at the end of the file.
    private func ensure(_ count: Int) -> Bool {
        if end - start >= count { return true }
        if start > 0 {
            let remaining = end - start
            if remaining > 0 {
                buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: remaining)
            }
            start = 0
            end = remaining
        }
        if buffer.count < count {
            let larger = UnsafeMutableRawBufferPointer.allocate(
                byteCount: max(count, buffer.count * 2), alignment: 8)
            larger.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: end)
            buffer.deallocate()
            buffer = larger
        }
        while end < count && !reachedEndOfFile {
            let read = fread(buffer.baseAddress! + end, 1, buffer.count - end, file)
            end += read
            if read == 0 { reachedEndOfFile = true }
        }
        return end - start >= count
    }

    private func u16(_ offset: Int) -> UInt16 {
        UnsafeRawBufferPointer(buffer).integer(UInt16.self, at: start + offset, bigEndian: bigEndian)
    }

    private func u32(_ offset: Int) -> UInt32 {
        UnsafeRawBufferPointer(buffer).integer(UInt32.self, at: start + offset, bigEndian: bigEndian)
    }

    func nextFrame() -> FrameRead {
        while true {
            start += returnedBlockLength
            startOffset += returnedBlockLength
            returnedBlockLength = 0
            guard ensure(8) else {
                if end == start { return .end }
                return damaged("the file ends inside a block header")
            }
            let isSectionHeader = u32(0) == Self.sectionHeaderType
            if isSectionHeader {
                guard ensure(12) else { return damaged("the file ends inside a section header") }
                switch UnsafeRawBufferPointer(buffer).integer(UInt32.self, at: start + 8, bigEndian: false) {
                case 0x1A2B_3C4D: bigEndian = false
                case 0x4D3C_2B1A: bigEndian = true
                default: return damaged("a section header with an unknown byte-order magic")
                }
            } else if startOffset == 0 {
                return damaged("the file does not start with a pcapng section header")
            }
            let type = u32(0)
            let length = Int(u32(4))
            guard length >= 12, length % 4 == 0, length <= Self.maxBlockLength else {
                return damaged("a block of type \(type) claims an impossible length of \(length) bytes")
            }
            guard ensure(length) else {
                return damaged(
                    "the file ends inside a block of type \(type) (\(length) bytes, \(end - start) present)")
            }
            guard Int(u32(length - 4)) == length else {
                return damaged("a block of type \(type) has different lengths at its start and end")
            }
            returnedBlockLength = length
            let bodyLength = length - 12
            switch type {
            case Self.sectionHeaderType:
                guard bodyLength >= 16, u16(12) == 1 else {
                    return damaged("a section header of an unsupported pcapng version")
                }
                interfacesInEarlierSections += interfaces.count
                interfaces.removeAll(keepingCapacity: true)
            case 1:  // Interface Description Block
                guard bodyLength >= 8 else { return damaged("an interface description shorter than 8 bytes") }
                var interface = Interface(
                    linkType: Int(u16(8)), snapLength: Int(u32(12)), unitsPerSecond: 1_000_000, offsetSeconds: 0,
                    globalIndex: interfacesInEarlierSections + interfaces.count)
                if let problem = readInterfaceOptions(into: &interface, from: 16, to: 8 + bodyLength) {
                    return damaged(problem)
                }
                if let name = interface.name, interfaceNames.count < Self.maxNamedInterfaces {
                    interfaceNames[interface.globalIndex] = name
                }
                interfaces.append(interface)
            case 6:  // Enhanced Packet Block
                guard bodyLength >= 20 else { return damaged("an enhanced packet block shorter than 20 bytes") }
                let capturedLength = Int(u32(20))
                guard capturedLength <= bodyLength - 20 else {
                    return damaged("an enhanced packet block whose packet overruns the block")
                }
                return packet(
                    interfaceID: Int(u32(8)), timestampHigh: u32(12), timestampLow: u32(16),
                    capturedLength: capturedLength, originalLength: Int(u32(24)), dataOffset: 28)
            case 3:  // Simple Packet Block: interface 0, no time stamp
                guard bodyLength >= 4 else { return damaged("a simple packet block shorter than 4 bytes") }
                guard let interface = interfaces.first else {
                    return damaged("a simple packet block before any interface description")
                }
                let originalLength = Int(u32(8))
                var capturedLength = min(originalLength, bodyLength - 4)
                if interface.snapLength > 0 { capturedLength = min(capturedLength, interface.snapLength) }
                return packet(
                    interfaceID: 0, timestampHigh: 0, timestampLow: 0, capturedLength: capturedLength,
                    originalLength: originalLength, dataOffset: 12)
            case 2:  // Packet Block (obsolete): a 16-bit interface id and a drop count
                guard bodyLength >= 20 else { return damaged("a packet block shorter than 20 bytes") }
                let capturedLength = Int(u32(20))
                guard capturedLength <= bodyLength - 20 else {
                    return damaged("a packet block whose packet overruns the block")
                }
                return packet(
                    interfaceID: Int(u16(8)), timestampHigh: u32(12), timestampLow: u32(16),
                    capturedLength: capturedLength, originalLength: Int(u32(24)), dataOffset: 28)
            default:
                continue  // name resolution, statistics, custom and unknown blocks
            }
        }
    }

    private func packet(
        interfaceID: Int, timestampHigh: UInt32, timestampLow: UInt32, capturedLength: Int, originalLength: Int,
        dataOffset: Int
    ) -> FrameRead {
        guard interfaceID < interfaces.count else {
            return damaged("a packet on interface \(interfaceID), which the section does not describe")
        }
        let interface = interfaces[interfaceID]
        let units = UInt64(timestampHigh) << 32 | UInt64(timestampLow)
        let (seconds, remainder) = units.quotientAndRemainder(dividingBy: interface.unitsPerSecond)
        // remainder * 10^9 may not fit in 64 bits when the resolution is finer than a nanosecond.
        let scaled = remainder.multipliedFullWidth(by: 1_000_000_000)
        let nanoseconds = interface.unitsPerSecond.dividingFullWidth(scaled).quotient
        let timestamp = CaptureTimestamp(seconds: Int64(clamping: seconds), nanoseconds: nanoseconds)
            .adding(seconds: interface.offsetSeconds)
        return .frame(
            RawFrame(
                timestamp: timestamp, capturedLength: capturedLength, originalLength: originalLength,
                interface: interface.globalIndex, linkType: interface.linkType,
                bytes: UnsafeRawBufferPointer(start: buffer.baseAddress! + start + dataOffset, count: capturedLength),
                record: startOffset..<(startOffset + returnedBlockLength)))
    }

    /// Reads `if_name` (2), `if_tsresol` (9) and `if_tsoffset` (14); returns a problem, or nil.
    private func readInterfaceOptions(into interface: inout Interface, from first: Int, to limit: Int) -> String? {
        var cursor = first
        while cursor + 4 <= limit {
            let code = u16(cursor)
            let length = Int(u16(cursor + 2))
            let value = cursor + 4
            guard value + length <= limit else { return "an interface option overruns its block" }
            if code == 0 { break }  // opt_endofopt
            if code == 9 && length >= 1 {
                let resolution = buffer[start + value]
                let exponent = UInt64(resolution & 0x7F)
                if resolution & 0x80 == 0 {
                    guard exponent <= 19 else { return "an interface time-stamp resolution of 10^-\(exponent)" }
                    var units: UInt64 = 1
                    for _ in 0..<exponent { units *= 10 }
                    interface.unitsPerSecond = units
                } else {
                    guard exponent <= 63 else { return "an interface time-stamp resolution of 2^-\(exponent)" }
                    interface.unitsPerSecond = 1 << exponent
                }
            } else if code == 2 && length >= 1 {
                let bytes = UnsafeRawBufferPointer(
                    start: buffer.baseAddress! + start + value, count: min(length, Self.maxInterfaceName))
                let name = String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
                if !name.isEmpty { interface.name = name }
            } else if code == 14 && length >= 8 {
                let high = UInt64(u32(value)), low = UInt64(u32(value + 4))
                interface.offsetSeconds = Int64(bitPattern: bigEndian ? high << 32 | low : low << 32 | high)
            }
            cursor = value + (length + 3) & ~3
        }
        return nil
    }

    private func damaged(_ reason: String) -> FrameRead {
        returnedBlockLength = 0
        return .damaged(offset: startOffset, reason: reason + " at byte \(startOffset)")
    }

    func linkTypeName(_ linkType: Int) -> String? {
        // LINKTYPE_ and DLT_ values agree for everything we do not decode but a few historic ones.
        pcap_datalink_val_to_name(Int32(linkType)).map { String(cString: $0) }
    }
}
