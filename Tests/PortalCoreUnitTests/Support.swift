import PQ

enum PQErrorFixture {
    static func make(_ state: String) -> PQError { PQError(kind: .query, sqlState: state, message: "test") }
}
