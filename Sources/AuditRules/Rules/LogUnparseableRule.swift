import AuditModel

/// `log.unparseable`: a `parsl.log` usage line whose message cannot be read as a Python literal.
public struct LogUnparseableRule: AuditRule {
    public static let descriptor = RuleDescriptor(
        id: "log.unparseable", defaultSeverity: .error,
        summary: "a parsl.log usage line whose message is not a readable Python literal",
        help: "parsl.log records each usage message as the Python repr of a dict. This line could not be read as "
            + "one (it may be cut, or hold an object that json.dumps could not send), so its message is unchecked.")
}
