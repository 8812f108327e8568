import CaptureReaders

/// Every event of a capture written to a temporary file.
func readEvents(
    _ bytes: [UInt8], port: UInt16 = 50077, limits: ReassemblyLimits = .default
) throws -> [CaptureEvent] {
    let file = TemporaryFile(bytes)
    defer { file.remove() }
    let reader = try CaptureReader(path: file.path, port: port, limits: limits)
    return Array(reader)
}

extension CaptureEvent {
    var datagram: CapturedDatagram? {
        if case .datagram(let datagram) = self { return datagram }
        return nil
    }

    var truncation: TruncatedDatagram? {
        if case .truncated(let truncated) = self { return truncated }
        return nil
    }

    var fragmentLoss: FragmentLoss? {
        if case .fragmentMissing(let loss) = self { return loss }
        return nil
    }

    var damage: CaptureDamage? {
        if case .damaged(let damage) = self { return damage }
        return nil
    }

    var unsupportedLink: UnsupportedLinkType? {
        if case .unsupportedLinkType(let link) = self { return link }
        return nil
    }
}

/// A UDP datagram to 50077 over IPv4 in Ethernet, carrying usage message `marker`.
func usageFrame(_ marker: Int, seconds: Int64 = 1_795_555_185, destinationPort: UInt16 = 50077) -> TestFrame {
    TestFrame(
        Build.ethernet(
            etherType: Build.etherTypeIPv4,
            payload: Build.ipv4(
                payload: Build.udp(destinationPort: destinationPort, payload: Build.usagePayload(marker)))),
        seconds: seconds)
}
