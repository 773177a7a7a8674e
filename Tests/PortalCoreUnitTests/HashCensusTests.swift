import PortalCore
import PortalCrypto
import Testing

/// What a gateway at a given PORTAL_SCRYPT makes of the stored hashes (no database).
@Suite struct HashCensusTests {
    static let stored = HashCensus([
        .init(ln: 17, r: 8, p: 1, users: 900), .init(ln: 16, r: 8, p: 1, users: 90), .init(ln: 99, r: 8, p: 1, users: 3),
    ])

    @Test func theSettingTheHashesWereMadeWithRefusesNone() throws {
        let verdict = Self.stored.verdict(at: try ScryptParameters(parsing: "ln=17,r=8,p=1"))
        #expect(verdict.refusedUsers == 0)
        #expect(verdict.users == 993)
        #expect(!verdict.refusesMost)
    }

    @Test func oneStepLowerStillVerifiesEverything() throws {
        #expect(Self.stored.verdict(at: try ScryptParameters(parsing: "ln=16,r=8,p=1")).refusedUsers == 0)
    }

    @Test func twoStepsLowerRefusesMostAndNamesTheFix() throws {
        let current = try ScryptParameters(parsing: "ln=15,r=8,p=1")
        let verdict = Self.stored.verdict(at: current)
        #expect(verdict.refusedUsers == 900, "ln=17 needs four times ln=15's memory; ln=16 twice")
        #expect(verdict.refusesMost)
        #expect(verdict.lowestAccepting == (try ScryptParameters(parsing: "ln=16,r=8,p=1")))
        let message = verdict.message(current: current)
        #expect(message.contains("refuses 900 of 993 stored password hashes"))
        #expect(message.contains("900 at ln=17,r=8,p=1"))
        #expect(message.contains("set PORTAL_SCRYPT to at least ln=16,r=8,p=1"))
        #expect(message.contains("PORTAL_SCRYPT_ALLOW_REFUSED=true"))
    }

    @Test func aFewOutliersAreRefusedWithoutRefusingMost() throws {
        let census = HashCensus([.init(ln: 10, r: 8, p: 1, users: 50), .init(ln: 20, r: 8, p: 1, users: 1)])
        let verdict = census.verdict(at: try ScryptParameters(parsing: "ln=10,r=8,p=1"))
        #expect(verdict.refusedUsers == 1)
        #expect(!verdict.refusesMost, "one planted or imported outlier must not stop the gateway")
        #expect(verdict.lowestAccepting == (try ScryptParameters(parsing: "ln=19,r=8,p=1")))
    }

    @Test func aHigherPIsRefusedAndTheFixRaisesP() throws {
        let census = HashCensus([.init(ln: 14, r: 8, p: 2, users: 5)])
        let verdict = census.verdict(at: try ScryptParameters(parsing: "ln=14,r=8,p=1"))
        #expect(verdict.refusedUsers == 5)
        #expect(verdict.lowestAccepting == (try ScryptParameters(parsing: "ln=14,r=8,p=2")), "the same ln, with the stored p")
    }
}
