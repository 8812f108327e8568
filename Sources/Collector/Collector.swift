import AuditInputs
import AuditModel
import AuditRules
import NIOCore
import NIOPosix
import SystemPackage

/// `usage-audit listen`: a local UDP collector that keeps every datagram in a journal, checks it live, and on a stop
/// turns the run into an `AuditReport`.
///
/// It never sends a byte back (no answer, no amplification, no oracle): the pipeline has one inbound handler and
/// nothing ever writes to the channel.
///
///     let collector = try await Collector.start(configuration: configuration, checker: { try Checker(...) })
///     // ... SIGINT, `--duration`, `--max-messages`, or collector.stop(.requested)
///     let outcome = await collector.run()
public final class Collector: Sendable {
    public let configuration: CollectorConfiguration
    /// Where the socket is bound (with the port the kernel picked when the configuration asked for 0).
    public let localAddress: SocketAddress
    /// The receive buffer the kernel granted, as `SO_RCVBUF` reports it (Linux counts its bookkeeping in it).
    public let receiveBufferBytes: Int?

    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    private let receiver: NIOLoopBound<Receiver>
    private let live: LiveCheck
    private let output: LiveOutput

    private init(
        configuration: CollectorConfiguration, localAddress: SocketAddress, receiveBufferBytes: Int?,
        group: MultiThreadedEventLoopGroup, channel: any Channel, receiver: NIOLoopBound<Receiver>, live: LiveCheck,
        output: LiveOutput
    ) {
        self.configuration = configuration
        self.localAddress = localAddress
        self.receiveBufferBytes = receiveBufferBytes
        self.group = group
        self.channel = channel
        self.receiver = receiver
        self.live = live
        self.output = output
    }

    /// Makes the checker, binds the socket, creates the journal and starts receiving. Throws a `CollectorError`
    /// when any of them fails; then nothing is left behind (no socket, no thread, no journal file).
    public static func start(
        configuration: CollectorConfiguration, checker factory: @escaping LiveCheckerFactory,
        output: LiveOutput = .standardError
    ) async throws -> Collector {
        let address = try configuration.validatedAddress()
        let live = try LiveCheck.start(factory: factory, output: output)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let channel: any Channel
        do {
            channel = try await DatagramBootstrap(group: group)
                // Reading starts only once the journal is ready; the kernel queues what arrives meanwhile.
                .channelOption(ChannelOptions.autoRead, value: false)
                // A datagram is at most 65,535 bytes: a smaller buffer would cut it silently.
                .channelOption(
                    ChannelOptions.recvAllocator,
                    value: FixedSizeRecvByteBufferAllocator(capacity: JournalFormat.maxPayloadBytes + 1)
                )
                .channelOption(ChannelOptions.maxMessagesPerRead, value: 64)
                .bind(to: address).get()
        } catch {
            live.cancel()
            try? await group.shutdownGracefully()
            if let failure = error as? IOError, Errno(rawValue: failure.errnoCode) == .addressInUse {
                throw CollectorError(
                    code: .cannotBind,
                    message: "\(describe(address)) is already in use (another listen or collector?); choose --port",
                    cause: error)
            }
            if let failure = error as? IOError {
                throw CollectorError(
                    code: .cannotBind,
                    message: "cannot listen on \(describe(address)): \(Errno(rawValue: failure.errnoCode))",
                    cause: error)
            }
            throw CollectorError(
                code: .cannotBind, message: "cannot listen on \(describe(address)): \(error)", cause: error)
        }
        do {
            let granted = try await channel.eventLoop.submit {
                try setReceiveBuffer(channel, bytes: configuration.receiveBufferBytes)
            }.get()
            let receiver = try await channel.eventLoop.submit {
                let writer: JournalWriter
                do throws(JournalError) {
                    writer = try JournalWriter(path: configuration.journalPath)
                } catch {
                    throw CollectorError(code: .journal, message: error.description, cause: error)
                }
                let receiver = Receiver(
                    writer: writer, live: live, output: output, configuration: configuration, channel: channel)
                try channel.pipeline.syncOperations.addHandler(JournalingHandler(receiver: receiver))
                live.begin(
                    path: configuration.journalPath, source: configuration.journalPath,
                    committedBytes: writer.committedBytes)
                return NIOLoopBound(receiver, eventLoop: channel.eventLoop)
            }.get()
            let collector = Collector(
                configuration: configuration, localAddress: channel.localAddress ?? address,
                receiveBufferBytes: granted, group: group, channel: channel, receiver: receiver, live: live,
                output: output)
            try await channel.eventLoop.submit {
                receiver.value.arm(stop: { [collector] (reason: StopReason) in collector.stop(reason) })
                try channel.syncOptions?.setOption(ChannelOptions.autoRead, value: true)
            }.get()
            return collector
        } catch {
            live.cancel()
            try? await channel.close()
            try? await group.shutdownGracefully()
            if let error = error as? CollectorError { throw error }
            throw CollectorError(code: .cannotBind, message: "cannot set up the socket: \(error)", cause: error)
        }
    }

    /// Asks the collector to stop (from any thread; later requests are ignored): it reads what the kernel already
    /// queued, closes the socket and the journal, and lets the live check finish. `run()` then returns.
    public func stop(_ reason: StopReason) {
        let receiver = self.receiver
        receiver.eventLoop.execute { receiver.value.beginStop(reason) }
    }

    /// Waits until the collector has stopped and the live check has read the whole journal; returns the run.
    public func run() async -> CollectorOutcome {
        let receiver = self.receiver
        let stopped = receiver.eventLoop.flatSubmit { receiver.value.stopped.futureResult }
        _ = try? await stopped.get()
        let state = try? await receiver.eventLoop.submit {
            let value = receiver.value
            return ReceiverState(
                reason: value.stopReason ?? .requested, datagrams: value.writer.recordCount,
                journalBytes: value.writer.committedBytes, drops: value.counters?.drops,
                ignoredAfterStop: value.ignoredAfterStop, journalError: value.journalError?.description)
        }.get()
        let checked = await live.result()
        try? await group.shutdownGracefully()
        let outcome = CollectorOutcome(
            receiver: state ?? ReceiverState(reason: .requested), checked: checked, configuration: configuration,
            receiveBufferBytes: receiveBufferBytes, liveLinesDropped: output.dropped())
        output.write(outcome.summaryLine)
        return outcome
    }

    /// Pauses or resumes reading the socket: tests use it to let the kernel's queue fill up.
    func setReading(_ reading: Bool) async throws {
        try await channel.setOption(ChannelOptions.autoRead, value: reading).get()
    }

    /// `127.0.0.1:50077` or `[::1]:50077`.
    public static func describe(_ address: SocketAddress) -> String {
        let host = address.ipAddress ?? "?"
        let port = address.port.map(String.init) ?? "?"
        if case .v6 = address { return "[\(host)]:\(port)" }
        return "\(host):\(port)"
    }

    /// The line `listen` prints once it is ready.
    public var listeningLine: String {
        let buffer = receiveBufferBytes.map { ", receive buffer \(byteCount($0))" } ?? ""
        return "listening on \(Self.describe(localAddress)) (UDP\(buffer)); journal: \(configuration.journalPath); "
            + "stop with Ctrl-C"
    }
}

/// Asks for a burst-sized receive buffer: `SO_RCVBUFFORCE` first (root, or `CAP_NET_ADMIN`, may exceed
/// `net.core.rmem_max`), else `SO_RCVBUF` (capped by it). Returns what the kernel granted.
private func setReceiveBuffer(_ channel: any Channel, bytes: Int) throws -> Int? {
    guard let options = channel.syncOptions else { return nil }
    let value = SocketOptionValue(clamping: bytes)
    #if os(Linux)
        let force = ChannelOptions.socketOption(NIOBSDSocket.Option(rawValue: SO_RCVBUFFORCE))
        if (try? options.setOption(force, value: value)) == nil {
            try options.setOption(ChannelOptions.socketOption(.so_rcvbuf), value: value)
        }
    #else
        try options.setOption(ChannelOptions.socketOption(.so_rcvbuf), value: value)
    #endif
    return Int(try options.getOption(ChannelOptions.socketOption(.so_rcvbuf)))
}

/// The receiver's side of a finished run, carried off its event loop.
struct ReceiverState: Sendable {
    var reason: StopReason
    var datagrams = 0
    var journalBytes = 0
    var drops: Int?
    var ignoredAfterStop = 0
    var journalError: String?
}

/// A finished run: the report, and the figures behind it.
public struct CollectorOutcome: Sendable {
    public var report: AuditReport
    public var stopReason: StopReason
    /// Datagrams journaled.
    public var datagrams: Int
    /// Datagrams the kernel dropped (receive queue full); `nil` where the platform does not tell.
    public var kernelDrops: Int?
    /// Datagrams read after `--max-messages` was reached (or the journal failed): not part of the run.
    public var ignoredAfterStop: Int
    public var journalBytes: Int
    public var receiveBufferBytes: Int?
    /// Live lines standard error could not take (dropped, never waited for).
    public var liveLinesDropped: Int

    init(
        receiver: ReceiverState, checked: LiveCheck.Outcome, configuration: CollectorConfiguration,
        receiveBufferBytes: Int?, liveLinesDropped: Int = 0
    ) {
        let source = configuration.journalPath
        var findings = checked.findings
        if let drops = receiver.drops, drops > 0 {
            findings.append(
                InputProblem.datagramsDropped(count: drops, receiveBufferBytes: receiveBufferBytes)
                    .finding(source: source))
        }
        let readError = receiver.journalError ?? checked.readError
        if checked.messages.count == 0, readError == nil, configuration.reportsNoMessages {
            findings.append(
                NoMessagesRule.finding(
                    source: source, contents: .received(datagrams: receiver.datagrams),
                    port: UInt16(clamping: configuration.port)))
        }
        if let minimum = configuration.minimumMessages {
            var distinct = DistinctMessageCount(enough: minimum)
            for message in checked.messages where distinct.count < minimum { distinct.add(message) }
            if distinct.count < minimum {
                findings.append(TooFewMessagesRule.finding(found: distinct.count, minimum: minimum, source: source))
            }
        }
        // The checker's catalogue holds these rules; a test double's may not.
        var rules = checked.rules
        for rule in [CollectorDroppedRule.descriptor, NoMessagesRule.descriptor, TooFewMessagesRule.descriptor]
        where !rules.contains(rule) {
            rules.append(rule)
        }
        report = AuditReport(
            inputs: [
                InputSummary(
                    source: source, kind: InputKind.journal.rawValue, messages: checked.messages.count,
                    readError: readError, liveLinesDropped: liveLinesDropped)
            ],
            messages: checked.messages, findings: findings, rules: rules, disclosure: checked.disclosure)
        report.hosts = checked.hosts.summaries
        stopReason = receiver.reason
        datagrams = receiver.datagrams
        kernelDrops = receiver.drops
        ignoredAfterStop = receiver.ignoredAfterStop
        journalBytes = receiver.journalBytes
        self.receiveBufferBytes = receiveBufferBytes
        self.liveLinesDropped = liveLinesDropped
    }

    /// One line for the terminal: why it stopped and what it kept.
    public var summaryLine: String {
        let counts = Severity.allCases.reversed().map { "\(report.count($0)) \($0.rawValue)" }.joined(separator: ", ")
        let drops = kernelDrops.map { "\($0) dropped by the kernel" } ?? "kernel drops not reported on this platform"
        let ignored = ignoredAfterStop > 0 ? "; \(ignoredAfterStop) more arrived after the stop and were not kept" : ""
        let lines =
            liveLinesDropped > 0
            ? "; \(liveLinesDropped) live lines dropped (standard error did not keep up; the report has every finding)"
            : ""
        return
            "stopped by \(stopReason): \(datagrams) datagrams journaled (\(journalBytes) bytes), \(drops)\(ignored)\(lines); "
            + "findings: \(counts)"
    }
}

/// `512 KiB`, `8 MiB`: sizes for people.
private func byteCount(_ bytes: Int) -> String {
    if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
    if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
    return "\(bytes) bytes"
}
