/// The formats `format` can assert, each checked by its own function in this folder.
///
/// Checks are ASCII-strict where the defining RFC is (a Unicode digit is not a digit in a date or an IPv4
/// address). Formats not listed here stay annotations even under format assertion.
enum StringFormat: String, Sendable, CaseIterable {
    case dateTime = "date-time"
    case date
    case time
    case duration
    case email
    case idnEmail = "idn-email"
    case hostname
    case idnHostname = "idn-hostname"
    case ipv4
    case ipv6
    case uri
    case uriReference = "uri-reference"
    case iri
    case iriReference = "iri-reference"
    case uriTemplate = "uri-template"
    case uuid
    case jsonPointer = "json-pointer"
    case relativeJSONPointer = "relative-json-pointer"
    case regex

    func accepts(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        switch self {
        case .dateTime: return DateTimeFormat.isDateTime(bytes)
        case .date: return DateTimeFormat.isDate(bytes[...])
        case .time: return DateTimeFormat.isTime(bytes[...])
        case .duration: return DurationFormat.isDuration(bytes)
        case .email: return EmailFormat.isEmail(text, international: false)
        case .idnEmail: return EmailFormat.isEmail(text, international: true)
        case .hostname: return HostnameFormat.isHostname(text, international: false)
        case .idnHostname: return HostnameFormat.isHostname(text, international: true)
        case .ipv4: return IPAddressFormat.isIPv4(bytes[...])
        case .ipv6: return IPAddressFormat.isIPv6(bytes[...])
        case .uri: return URIFormat.isURI(text, reference: false, international: false)
        case .uriReference: return URIFormat.isURI(text, reference: true, international: false)
        case .iri: return URIFormat.isURI(text, reference: false, international: true)
        case .iriReference: return URIFormat.isURI(text, reference: true, international: true)
        case .uriTemplate: return URIFormat.isURITemplate(text)
        case .uuid: return UUIDFormat.isUUID(bytes)
        case .jsonPointer: return JSONPointerFormat.isJSONPointer(bytes[...])
        case .relativeJSONPointer: return JSONPointerFormat.isRelativeJSONPointer(bytes)
        case .regex: return (try? ECMARegex(text)) != nil
        }
    }
}

@inline(__always) func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
@inline(__always) func isHexDigit(_ b: UInt8) -> Bool {
    isDigit(b) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66)
}
@inline(__always) func isAlpha(_ b: UInt8) -> Bool { (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) }

/// The value of `count` ASCII digits at `start`, or `nil` if any is not a digit.
func digitsValue(_ bytes: ArraySlice<UInt8>, _ start: Int, _ count: Int) -> Int? {
    guard start >= bytes.startIndex, start + count <= bytes.endIndex else { return nil }
    var value = 0
    for i in start..<(start + count) {
        guard isDigit(bytes[i]) else { return nil }
        value = value * 10 + Int(bytes[i] - 0x30)
    }
    return value
}
