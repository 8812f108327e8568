/// Bounds on IP fragment reassembly, so that a capture full of fragments (or a hostile one) cannot exhaust
/// memory or hold datagrams forever.
public struct ReassemblyLimits: Sendable, Equatable {
    /// Capture time after a datagram's first fragment at which it is given up as incomplete. Linux waits
    /// 30 s (`net.ipv4.ipfrag_time`); a fragment that comes later would not have been delivered either.
    public var timeoutSeconds: Int64
    /// Datagrams being reassembled at once; beyond it, the oldest is given up (`buffer-full`).
    public var maxPendingDatagrams: Int
    /// Bytes held for datagrams being reassembled; beyond it, the oldest is given up (`buffer-full`).
    public var maxPendingBytes: Int

    public init(timeoutSeconds: Int64 = 30, maxPendingDatagrams: Int = 1024, maxPendingBytes: Int = 16 << 20) {
        self.timeoutSeconds = timeoutSeconds
        self.maxPendingDatagrams = maxPendingDatagrams
        self.maxPendingBytes = maxPendingBytes
    }

    public static let `default` = ReassemblyLimits()
}

/// Puts IPv4 and IPv6 fragments back together, in any order, with duplicates and overlaps.
///
/// Overlapping fragments must carry the same bytes where they overlap: a fragment that disagrees with one
/// already received rejects the whole datagram (`inconsistent-overlap`) instead of choosing a winner, since
/// choosing is how overlap attacks hide content from one reader and show it to another.
struct FragmentReassembler {
    /// The largest IP payload: the 16-bit length fields cap a datagram at 65,535 bytes.
    static let maxDatagramLength = 65_535
    /// The most fragments one datagram may arrive in: a 65,535-byte datagram over IPv6's minimum MTU of 1280
    /// needs 53, so 512 leaves room for tiny legitimate fragments while bounding the work a hostile capture
    /// of 8-byte fragments can cause.
    static let maxFragmentsPerDatagram = 512
    /// How many completed datagrams are remembered, to recognise a fragment seen again after reassembly
    /// (captures on `any` see some packets twice) instead of starting a datagram that can never complete.
    static let rememberedCompletions = 1024

    final class Pending {
        let key: FragmentKey
        let firstFrame: Int
        let firstTimestamp: CaptureTimestamp
        var lastFrame: Int
        var lastTimestamp: CaptureTimestamp
        var fragments = 0
        /// The reassembled bytes so far; empty while `ignored`.
        var data: [UInt8] = []
        /// Byte ranges received, sorted, disjoint and not adjacent.
        var covered: [Range<Int>] = []
        /// Set by the last fragment.
        var totalLength: Int?
        var nextHeader: UInt8 = 17
        var target = FirstFragmentTarget.unknown
        /// The first fragment the snap length cut: its bytes are incomplete.
        var cut: (frame: Int, timestamp: CaptureTimestamp, captured: Int, original: Int)?

        init(key: FragmentKey, frame: Int, timestamp: CaptureTimestamp) {
            self.key = key
            self.firstFrame = frame
            self.firstTimestamp = timestamp
            self.lastFrame = frame
            self.lastTimestamp = timestamp
        }

        var bytesReceived: Int { covered.reduce(0) { $0 + $1.count } }

        var isComplete: Bool {
            guard let totalLength else { return false }
            return covered.count == 1 && covered[0] == 0..<totalLength
        }
    }

    /// The result of adding a fragment.
    enum Outcome {
        case pending
        /// All bytes are in: `data` holds the reassembled datagram after its IP header.
        case complete(Pending)
        /// The datagram was given up; `pending` says what arrived.
        case rejected(Pending, FragmentLoss.Reason)
        /// A fragment of a datagram already reassembled (a duplicate); nothing to do.
        case duplicate
    }

    let port: UInt16
    let limits: ReassemblyLimits
    private(set) var pending: [FragmentKey: Pending] = [:]
    private var pendingBytes = 0
    /// Keys of recently completed datagrams with their length and completion time, oldest first.
    private var completed: [FragmentKey: (length: Int, at: CaptureTimestamp)] = [:]
    private var completedOrder: [FragmentKey] = []
    private var completedOrderHead = 0
    /// The earliest time any pending datagram times out; nothing to scan for before it.
    private var nextDeadline: CaptureTimestamp?
    /// Pending datagrams in the order their first fragments came (and some already removed, skipped when met):
    /// the oldest is found without a scan of every pending datagram, which a flood of fragments would make
    /// a scan per fragment.
    private var arrivals: [Pending] = []
    private var arrivalsHead = 0

    init(port: UInt16, limits: ReassemblyLimits) {
        self.port = port
        self.limits = limits
    }

    var isEmpty: Bool { pending.isEmpty }

    /// Whether a datagram is one the caller must hear about if it is lost: to the port, or of unknown port
    /// because its first fragment (holding the UDP header) is the one missing.
    func concernsPort(_ datagram: Pending) -> Bool {
        switch datagram.target {
        case .unknown: true
        case .udpPort(let port): port == self.port
        case .notUDP: false
        }
    }

    private func deadline(of datagram: Pending) -> CaptureTimestamp {
        datagram.firstTimestamp.adding(seconds: limits.timeoutSeconds)
    }

    /// Adds one fragment. `bytes` are the fragment's captured bytes (maybe fewer than `piece.declaredLength`
    /// when the snap length cut the frame); `evicted` receives datagrams given up to make room.
    mutating func add(
        _ piece: FragmentPiece, bytes: UnsafeRawBufferPointer, frame: Int, timestamp: CaptureTimestamp,
        capturedLength: Int, originalLength: Int, evicted: inout [(Pending, FragmentLoss.Reason)]
    ) -> Outcome {
        let end = piece.offset + piece.declaredLength
        if let done = completed[piece.key], pending[piece.key] == nil, end <= done.length,
            timestamp.seconds <= done.at.adding(seconds: limits.timeoutSeconds).seconds
        {
            return .duplicate
        }
        let datagram: Pending
        if let existing = pending[piece.key] {
            datagram = existing
        } else {
            datagram = Pending(key: piece.key, frame: frame, timestamp: timestamp)
            while pending.count >= limits.maxPendingDatagrams, let oldest = oldestPending() {
                evicted.append((remove(oldest), .bufferFull))
            }
            pending[piece.key] = datagram
            arrivals.append(datagram)
            if arrivals.count - arrivalsHead > 2 * pending.count + 1024 {
                // Mostly datagrams completed or given up since: let them (and their bytes) go.
                arrivals = arrivals[arrivalsHead...].filter { pending[$0.key] === $0 }
                arrivalsHead = 0
            }
            let deadline = deadline(of: datagram)
            if nextDeadline.map({ deadline < $0 }) ?? true { nextDeadline = deadline }
        }
        datagram.lastFrame = frame
        datagram.lastTimestamp = timestamp
        datagram.fragments += 1
        if bytes.count < piece.declaredLength && datagram.cut == nil {
            datagram.cut = (frame, timestamp, capturedLength, originalLength)
        }
        guard end <= Self.maxDatagramLength else { return .rejected(remove(datagram), .oversize) }
        guard datagram.fragments <= Self.maxFragmentsPerDatagram else {
            return .rejected(remove(datagram), .tooManyFragments)
        }
        if piece.isLast {
            if let total = datagram.totalLength, total != end {
                return .rejected(remove(datagram), .inconsistentOverlap)
            }
            if let last = datagram.covered.last, last.upperBound > end {
                return .rejected(remove(datagram), .inconsistentOverlap)
            }
            datagram.totalLength = end
        } else if let total = datagram.totalLength, end > total {
            return .rejected(remove(datagram), .inconsistentOverlap)
        }
        if piece.offset == 0 {
            datagram.nextHeader = piece.nextHeader
            if datagram.target == .unknown { datagram.target = piece.firstFragmentTarget }
        }
        let ignored = !concernsPort(datagram)
        if ignored {
            // Known to be for another port: only the coverage matters now, so the bytes are let go.
            if !datagram.data.isEmpty {
                pendingBytes -= datagram.data.count
                datagram.data = []
            }
        } else {
            if datagram.data.count < end {
                let growth = end - datagram.data.count
                while pendingBytes + growth > limits.maxPendingBytes, let oldest = oldestPending(excluding: datagram) {
                    evicted.append((remove(oldest), .bufferFull))
                }
                if pendingBytes + growth > limits.maxPendingBytes {
                    return .rejected(remove(datagram), .bufferFull)
                }
                datagram.data.append(contentsOf: repeatElement(0, count: growth))
                pendingBytes += growth
            }
            // Where this fragment overlaps bytes already received, they must agree; a cut fragment's missing
            // tail is unknown, so it is not compared.
            let known = piece.offset..<(piece.offset + bytes.count)
            let consistent = datagram.data.withUnsafeBytes { held -> Bool in
                for range in datagram.covered where range.overlaps(known) {
                    let overlap = range.clamped(to: known)
                    for index in overlap where held[index] != bytes[index - piece.offset] { return false }
                }
                return true
            }
            guard consistent || datagram.cut != nil else {
                return .rejected(remove(datagram), .inconsistentOverlap)
            }
            datagram.data.withUnsafeMutableBytes { held in
                held.baseAddress!.advanced(by: piece.offset).copyMemory(
                    from: bytes.baseAddress!, byteCount: bytes.count)
            }
        }
        insert(piece.offset..<end, into: &datagram.covered)
        guard datagram.isComplete else { return .pending }
        let finished = remove(datagram)
        rememberCompletion(finished)
        return .complete(finished)
    }

    /// Gives up every datagram whose first fragment is older than the timeout at capture time `now`.
    mutating func expire(before now: CaptureTimestamp, into losses: inout [(Pending, FragmentLoss.Reason)]) {
        guard let next = nextDeadline, next < now else { return }
        var earliest: CaptureTimestamp?
        for datagram in Array(pending.values) {
            let deadline = deadline(of: datagram)
            if deadline < now {
                losses.append((remove(datagram), .timeout))
            } else if earliest.map({ deadline < $0 }) ?? true {
                earliest = deadline
            }
        }
        nextDeadline = earliest
    }

    /// Gives up every pending datagram, first fragments first: the capture ended.
    mutating func drain(into losses: inout [(Pending, FragmentLoss.Reason)]) {
        for datagram in pending.values.sorted(by: { $0.firstFrame < $1.firstFrame }) {
            losses.append((remove(datagram), .endOfCapture))
        }
        nextDeadline = nil
    }

    /// The pending datagram whose first fragment came first, other than `excluded`.
    private mutating func oldestPending(excluding excluded: Pending? = nil) -> Pending? {
        while arrivalsHead < arrivals.count, pending[arrivals[arrivalsHead].key] !== arrivals[arrivalsHead] {
            arrivalsHead += 1
        }
        if arrivalsHead > 1024 && arrivalsHead * 2 > arrivals.count {
            arrivals.removeFirst(arrivalsHead)
            arrivalsHead = 0
        }
        var index = arrivalsHead
        while index < arrivals.count {
            let candidate = arrivals[index]
            if candidate !== excluded && pending[candidate.key] === candidate { return candidate }
            index += 1
        }
        return nil
    }

    @discardableResult
    private mutating func remove(_ datagram: Pending) -> Pending {
        if pending.removeValue(forKey: datagram.key) != nil {
            pendingBytes -= datagram.data.count
        }
        return datagram
    }

    private mutating func rememberCompletion(_ datagram: Pending) {
        if completed.updateValue((datagram.totalLength ?? 0, datagram.lastTimestamp), forKey: datagram.key) == nil {
            completedOrder.append(datagram.key)
        }
        if completedOrder.count - completedOrderHead > Self.rememberedCompletions {
            completed.removeValue(forKey: completedOrder[completedOrderHead])
            completedOrderHead += 1
            if completedOrderHead > Self.rememberedCompletions {
                completedOrder.removeFirst(completedOrderHead)
                completedOrderHead = 0
            }
        }
    }

    /// Inserts `range` into sorted, disjoint ranges, merging it with those it overlaps or touches.
    private func insert(_ range: Range<Int>, into ranges: inout [Range<Int>]) {
        guard !range.isEmpty else { return }
        var merged = range
        var result: [Range<Int>] = []
        result.reserveCapacity(ranges.count + 1)
        var placed = false
        for existing in ranges {
            if existing.upperBound < merged.lowerBound {
                result.append(existing)
            } else if existing.lowerBound > merged.upperBound {
                if !placed { result.append(merged); placed = true }
                result.append(existing)
            } else {
                merged = min(existing.lowerBound, merged.lowerBound)..<max(existing.upperBound, merged.upperBound)
            }
        }
        if !placed { result.append(merged) }
        ranges = result
    }
}
