import AuditModel

/// `log.unparseable`: a `parsl.log` usage line whose message cannot be read as a Python literal.
public struct LogUnparseableRule: AuditRule {
    public static let descriptor = RuleDescriptor(
        id: "log.unparseable", defaultSeverity: .error,
        summary: "a parsl.log usage line whose message is not a readable Python literal",
        help: "parsl.log records each usage message as the Python repr of a dict. This line could not be read as "
            + "one (it may be cut, or hold an object that json.dumps could not send), so its message is unchecked.",
        levels: "any", generations: "G3-G5 (they log their messages)",
        example: "Usage tracking start message: {'correlator': '…', 'components': [<object at 0x7f…>]}",
        fix: "The log line is cut or holds a repr that is not a literal; audit the datagrams (a "
            + "capture or listen) instead.")
}
