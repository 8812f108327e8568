import AuditModel
import JSONCore

/// `privacy.personal-data`: a string (value or key) anywhere in the message holding an e-mail address, an IP
/// address, a home or user path, or a fully qualified host name.
public struct PersonalDataRule: MessageRule {
    public static let descriptor = RuleDescriptor(
        id: "privacy.personal-data", defaultSeverity: .error,
        summary:
            "a string value holding an e-mail address, IP address, home or user path, or fully qualified host name",
        help: "Usage messages must not identify people or machines. This string does: a user name inside a path, "
            + "an address, or a host name. It usually comes from a configuration value copied into a component.",
        levels: "any", generations: "all",
        example: "a component value holding /home/alice/…, alice@example.edu, 10.20.0.13 or "
            + "node17.cluster.example.edu",
        fix: "Find which configuration value carries it (the pointer says where) and remove it, or run "
            + "at level 1.")

    public init() {}

    public func check(_ context: MessageContext, into findings: inout [Finding]) {
        // The plan lists every string of this structure once, in depth-first order, and what its keys hold:
        // one walk of the message meets the strings in that order, and only values are scanned. A place's
        // pointer is read only for a string that holds something.
        var next = 0
        let memo = StringVerdictMemo.forThisThread()
        context.plan.textPlaceKinds.withUnsafeBufferPointer { kinds in
            switch context.values {
            case .tree(let message, _): scan(message, context, kinds, memo, &next, &findings)
            case .tape(let tape): scan(tape, context, kinds, memo, &next, &findings)
            }
            _ = nextValuePlace(context, kinds, &next, &findings)
        }
    }

    /// A tape's nodes are in the walk's order already: its strings are scanned where they lie.
    private func scan(
        _ tape: JSONTape, _ context: MessageContext, _ kinds: UnsafeBufferPointer<TextPlace.Kind>,
        _ memo: StringVerdictMemo, _ next: inout Int, _ findings: inout [Finding]
    ) {
        for node in 0..<tape.count where tape.kind(at: node) == .string {
            guard scan(tape.stringBytes(at: node), context, kinds, memo, &next, &findings) else { return }
        }
    }

    /// One string's bytes, against the plan's next value place; false when the plan has no place left.
    private func scan(
        _ bytes: UnsafeBufferPointer<UInt8>, _ context: MessageContext, _ kinds: UnsafeBufferPointer<TextPlace.Kind>,
        _ memo: StringVerdictMemo, _ next: inout Int, _ findings: inout [Finding]
    ) -> Bool {
        guard let place = nextValuePlace(context, kinds, &next, &findings) else { return false }
        // A component name is dotted code (parsl.config.Config), never a host name.
        let matches = PersonalDataDetector.matches(
            inBytes: bytes, checkHostNames: kinds[place] != .componentName, memo: memo)
        if !matches.isEmpty {
            report(matches, at: context.plan.textPlaces[place].pointer, isKey: false, context, &findings)
        }
        return true
    }

    /// Scans the strings of `value` depth-first, each against the plan's next value place. Parameters rather
    /// than a closure: a closure capturing the context would copy it for every string. `memo` is this
    /// thread's, looked up once for the message.
    private func scan(
        _ value: JSONValue, _ context: MessageContext, _ kinds: UnsafeBufferPointer<TextPlace.Kind>,
        _ memo: StringVerdictMemo, _ next: inout Int, _ findings: inout [Finding]
    ) {
        switch value {
        case .string(let text):
            _ = text.withUTF8InPlace { scan($0, context, kinds, memo, &next, &findings) }
        case .array(let elements):
            elements.withUnsafeBufferPointer { elements in
                for index in elements.indices { scan(elements[index], context, kinds, memo, &next, &findings) }
            }
        case .object(let object):
            object.members.withUnsafeBufferPointer { members in
                for index in members.indices { scan(members[index].value, context, kinds, memo, &next, &findings) }
            }
        default: break
        }
    }

    /// Reports the keys the plan lists before its next string value, and returns that value's place (its
    /// index in the plan's `textPlaces`).
    private func nextValuePlace(
        _ context: MessageContext, _ kinds: UnsafeBufferPointer<TextPlace.Kind>, _ next: inout Int,
        _ findings: inout [Finding]
    ) -> Int? {
        while next < kinds.count {
            let place = next
            next += 1
            guard kinds[place] == .key else { return place }
            if case .key(let pointer, let matches) = context.plan.textPlaces[place] {
                report(matches, at: pointer, isKey: true, context, &findings)
            }
        }
        return nil
    }

    private func report(
        _ matches: [PersonalDataDetector.Match], at pointer: JSONPointer, isKey: Bool, _ context: MessageContext,
        _ findings: inout [Finding]
    ) {
        for match in matches {
            let place = isKey ? "the key '\(pointer.tokens.last ?? "")'" : "this string"
            findings.append(
                context.finding(
                    Self.descriptor, at: pointer,
                    "\(place) holds \(match.kind.rawValue) ('\(match.text)'), personal data that identifies a person or machine",
                    sensitive: [match.text]))
        }
    }
}
