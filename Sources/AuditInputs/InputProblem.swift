import CaptureReaders

/// What a reader found wrong with its input, in the reader's own terms. Readers never name rules: the rules
/// layer (`AuditRules`) maps each problem to the rule that reports it and words the finding, so a new kind of
/// problem cannot reach a report without a rule (the mapping is an exhaustive `switch`).
public enum InputProblem: Sendable, Equatable {
    /// A line (or record) longer than the read limit, so it was never read as a message.
    case recordTooLong(limit: Int)
    /// The capture's snap length cut the datagram, or the frame is shorter than its headers say.
    case datagramTruncated(TruncatedDatagram)
    /// A fragmented datagram whose fragments never all arrived (or could not be put together safely).
    case fragmentsMissing(FragmentLoss)
    /// Frames of a link type the capture reader does not decode: not audited.
    case unsupportedLinkType(UnsupportedLinkType)
    /// The capture file is damaged; nothing after the damage is read.
    case captureDamaged(CaptureDamage)
    /// A torn or damaged stretch of a journal, or records missing from its sequence, in the journal reader's
    /// words (which records, which bytes, where reading goes on).
    case journalDamaged(description: String)
    /// Datagrams the kernel dropped before the collector could read them (its receive queue was full).
    case datagramsDropped(count: Int, receiveBufferBytes: Int?)

    /// Whether the problem stands for one message that could not be read (it is counted as an unparsed
    /// message), rather than for the input as a whole.
    public var isMessage: Bool {
        switch self {
        case .recordTooLong, .datagramTruncated, .fragmentsMissing, .journalDamaged: true
        case .unsupportedLinkType, .captureDamaged, .datagramsDropped: false
        }
    }
}
