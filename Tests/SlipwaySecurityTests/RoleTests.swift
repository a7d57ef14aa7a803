import SlipwaySecurity
import Testing

@Suite struct RoleTests {
    @Test func parsesEveryRoleAndNamesTheAllowedOnesOnFailure() throws {
        for role in Role.allCases { #expect(try Role(parsing: role.rawValue) == role) }
        #expect(throws: SecurityError.self) { try Role(parsing: "root") }
        do {
            _ = try Role(parsing: "root")
        } catch {
            #expect(error.message.contains("'root'"))
            #expect(error.message.contains("admin, deployer, predictor, viewer"))
        }
    }
}
