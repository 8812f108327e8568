import AuditInputs
import NIOCore

/// The receiving end, on the collector's event loop: journals every datagram the moment NIO hands it over, and
/// runs the stop sequence. Not `Sendable`: it lives on one event loop (reached through `NIOLoopBound`).
final class Receiver {
    let writer: JournalWriter
    let live: LiveCheck
    let output: LiveOutput
    let configuration: CollectorConfiguration
    let channel: any Channel
    /// Completed once the socket is closed and the journal synced and closed.
    let stopped: EventLoopPromise<Void>

    /// False once a limit is reached or the journal failed: later datagrams are counted, not kept.
    private(set) var accepting = true
    private(set) var ignoredAfterStop = 0
    private(set) var journalError: JournalError?
    private(set) var stopReason: StopReason?
    /// The kernel's counters as last read; `nil` where the platform does not tell.
    private(set) var counters: KernelCounters?
    private var dropPoll: RepeatedTask?

    init(
        writer: JournalWriter, live: LiveCheck, output: LiveOutput, configuration: CollectorConfiguration,
        channel: any Channel
    ) {
        self.writer = writer
        self.live = live
        self.output = output
        self.configuration = configuration
        self.channel = channel
        self.stopped = channel.eventLoop.makePromise()
    }

    /// Schedules the duration limit and the drop poll. On the event loop.
    func arm(stop: @escaping @Sendable (StopReason) -> Void) {
        let loop = channel.eventLoop
        if let duration = configuration.duration {
            loop.scheduleTask(in: .nanoseconds(Int64(min(duration, 1e9) * 1e9))) { stop(.duration) }
        }
        let bound = NIOLoopBound(self, eventLoop: loop)
        dropPoll = loop.scheduleRepeatedTask(
            initialDelay: configuration.dropPollInterval, delay: configuration.dropPollInterval
        ) { _ in bound.value.pollCounters() }
        pollCounters()
    }

    /// Journals one datagram. The sender and time are taken here, before anything looks at the bytes.
    func receive(_ envelope: AddressedEnvelope<ByteBuffer>) {
        guard accepting else {
            ignoredAfterStop += 1
            return
        }
        let receivedAt = JournalFormat.now()
        let sender = JournalSender(envelope.remoteAddress)
        let result = envelope.data.withUnsafeReadableBytes { bytes in
            Result { () throws(JournalError) in try writer.append(bytes, receivedAt: receivedAt, sender: sender) }
        }
        live.advance(to: writer.committedBytes)
        switch result {
        case .success(let sequence):
            if let limit = configuration.maxMessages, sequence >= limit { beginStop(.maxMessages) }
        case .failure(let error):
            journalError = error
            output.write("journal write failed, stopping: \(error)")
            beginStop(.journalFailed)
        }
    }

    /// Stops: keep reading what the kernel already queued (for a short while), read the drop counter one last time,
    /// close the socket, sync and close the journal, let the live check finish. On the event loop; idempotent.
    func beginStop(_ reason: StopReason) {
        guard stopReason == nil else { return }
        stopReason = reason
        if reason == .maxMessages || reason == .journalFailed { accepting = false }
        dropPoll?.cancel()
        drain(until: NIODeadline.now() + configuration.drainLimit)
    }

    private func drain(until deadline: NIODeadline) {
        let bound = NIOLoopBound(self, eventLoop: channel.eventLoop)
        KernelCounters.read(channel).whenComplete { result in
            let receiver = bound.value
            if case .success(let counters) = result { receiver.noteCounters(counters) }
            let queued = (try? result.get())?.queuedBytes ?? 0
            if receiver.accepting, queued > 0, NIODeadline.now() < deadline {
                receiver.channel.eventLoop.scheduleTask(in: .milliseconds(2)) { bound.value.drain(until: deadline) }
            } else {
                receiver.closeAndSync()
            }
        }
    }

    private func closeAndSync() {
        let bound = NIOLoopBound(self, eventLoop: channel.eventLoop)
        channel.close().whenComplete { _ in
            let receiver = bound.value
            do throws(JournalError) {
                try receiver.writer.sync()
            } catch {
                if receiver.journalError == nil { receiver.journalError = error }
            }
            receiver.writer.close()
            receiver.live.close(at: receiver.writer.committedBytes)
            receiver.stopped.succeed(())
        }
    }

    private func pollCounters() {
        let bound = NIOLoopBound(self, eventLoop: channel.eventLoop)
        KernelCounters.read(channel).whenSuccess { counters in bound.value.noteCounters(counters) }
    }

    /// Keeps the latest counters and says so on the terminal when the drop count grew.
    private func noteCounters(_ new: KernelCounters) {
        let before = counters?.drops ?? 0
        counters = new
        if new.drops > before {
            output.write(
                "the kernel dropped \(new.drops - before) more datagrams (receive queue full): \(new.drops) lost so far"
            )
        }
    }
}

/// The pipeline's only handler: hands each datagram to the receiver and never writes anything back.
final class JournalingHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let receiver: Receiver
    init(receiver: Receiver) { self.receiver = receiver }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        receiver.receive(unwrapInboundIn(data))
    }

    /// A read error on the socket (rare for UDP): said on the terminal; listening goes on.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        receiver.output.write("receive error (listening goes on): \(error)")
    }
}

extension JournalSender {
    /// The sender of a datagram as NIO reports it; `nil` for anything but IPv4 and IPv6.
    init?(_ address: SocketAddress) {
        switch address {
        case .v4(let v4):
            var raw = v4.address.sin_addr
            let bytes = withUnsafeBytes(of: &raw) { Array($0) }
            self.init(family: .ipv4, address: bytes, port: UInt16(bigEndian: v4.address.sin_port))
        case .v6(let v6):
            var raw = v6.address.sin6_addr
            let bytes = withUnsafeBytes(of: &raw) { Array($0) }
            self.init(family: .ipv6, address: bytes, port: UInt16(bigEndian: v6.address.sin6_port))
        default:
            return nil
        }
    }
}
