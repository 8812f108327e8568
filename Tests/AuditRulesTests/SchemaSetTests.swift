import Foundation
import AuditModel
import AuditRules
import JSONCore
import Testing
import TestSupport

@Suite("The Parsl schemas and what is derived from them")
struct SchemaSetTests {
    @Test func theDisclosureMatrixReproducesParslsLevelTable() throws {
        let matrix = DisclosureMatrixBuilder.matrix(of: try ParslSchemaSet.embedded())
        func levels(_ field: String, _ message: String) -> [Int] {
            guard let row = matrix.rows.first(where: { $0.field == field && $0.message == message && $0.generations.contains("G5") })
            else { return [] }
            return (1...3).filter { row.allowed(atLevel: $0) }
        }
        // Parsl's documentation: level 1 versions and platform; 2 adds configuration; 3 adds execution.
        for field in ["correlator", "parsl_v", "python_v", "platform.system", "tracking_level", "project_name"] {
            #expect(levels(field, "start") == [1, 2, 3], "\(field)")
        }
        #expect(levels("components", "start") == [2, 3])
        #expect(levels("start", "start") == [3])
        for field in ["correlator", "end", "execution_time", "components"] { #expect(levels(field, "end") == [3], "\(field)") }
        #expect(levels("components[].app_count", "end") == [3])
        let g0 = matrix.rows.first { $0.field == "uname" }
        #expect(g0?.discloses == "forbidden" && g0?.minimumLevel == nil)
    }

    @Test func theDescribedMatrixIsCheckedIn() throws {
        let generated = DisclosureMatrixBuilder.markdown(DisclosureMatrixBuilder.matrix(of: try ParslSchemaSet.embedded()))
        let committed = try String(contentsOfFile: Repository.path("docs/disclosure-matrix.md"), encoding: .utf8)
        #expect(committed == generated, "docs/disclosure-matrix.md is stale: run `usage-audit schemas describe > docs/disclosure-matrix.md`")
    }

    @Test func theEmbeddedSchemasMatchTheSchemasFolder() throws {
        let onDisk = try ParslSchemaSet.load(directory: Repository.path("Schemas"))
        let embedded = try ParslSchemaSet.embedded()
        #expect(Set(onDisk.documents.keys) == Set(embedded.documents.keys))
        let stale = onDisk.documents.values.filter { embedded.documents[$0.id]?.json != $0.json }.map(\.path)
        #expect(stale.isEmpty, "embedded copies differ from Schemas/: \(stale); run `make schemas-embed`")
    }

    @Test func everyGenerationHasStartAndEndSchemas() throws {
        let schemas = try ParslSchemaSet.embedded()
        for generation in ["G0", "G1", "G2", "G3", "G4", "G5"] {
            for kind in [MessageKind.start, .end] {
                #expect(schemas.messageSchemas.contains { $0.messageKind == kind && $0.generations.contains(generation) }, "\(generation) \(kind)")
            }
        }
    }
}
