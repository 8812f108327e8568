/// The temporary spools one rendering makes (sorts, joins), so that a failure to read any of them back is
/// found and reported, not mistaken for the end of the data.
public final class ScratchSpools {
    public let configuration: SpoolConfiguration
    private var stores: [SpoolStore] = []

    public init(configuration: SpoolConfiguration) { self.configuration = configuration }

    public func makeStore() -> SpoolStore {
        let store = SpoolStore(configuration: configuration)
        stores.append(store)
        return store
    }

    public var readFailure: SpoolError? { stores.lazy.compactMap(\.readFailure).first }
}
