import Foundation
import PortalCore
import PortalCrypto

/// The gateway's store without a database, for `.router` tests of the HTTP layer: the SQL API's
/// answers for a handful of users, tokens, clients and one admin key, with none of its guarantees
/// (those are pgTAP's and the integration suites'). `failure`, when set, is what every call throws.
actor InMemoryGatewayStore: GatewayStore {
    struct User {
        var id: String
        var email: String
        var name: String?
        var clientID: String
        var passwordHash: String?
        var epoch = 1
        var active = true
        var locale: String?
    }

    var users: [String: User] = [:]
    /// Live sessions by jti, as `portal.sessions` records them.
    var sessions: [String: (user: String, epoch: Int, expiresAt: Int)] = [:]
    /// SHA-256 of a raw token → (user, type, used).
    var tokens: [[UInt8]: (user: String, type: TokenType, used: Bool)] = [:]
    var clients: [String: (port: String, name: String)] = [:]
    let port = "port-1"
    let adminKeyHash: [UInt8]
    var waitSeconds = 0
    var failure: PortalError?
    private(set) var resetRequests: [String] = []
    /// Email changes asked for: who, and to which address (the database would mail a link or a note).
    private(set) var emailChangeRequests: [(user: String, newEmail: String)] = []
    /// The address each email-change token moves its user to.
    var pendingEmails: [[UInt8]: String] = [:]

    init(adminKey: String) {
        adminKeyHash = Digest.sha256(adminKey)
    }

    func fail(with error: PortalError?) { failure = error }
    func limit(seconds: Int) { waitSeconds = seconds }

    func addUser(email: String, password: String?, client: String = "client-1") throws -> String {
        let id = "user-\(users.count + 1)"
        let hash = try password.map { try PasswordHash.make(password: $0, parameters: ScryptParameters(parsing: "ln=10,r=8,p=1")) }
        users[id] = User(id: id, email: email, name: "Test User", clientID: client, passwordHash: hash)
        clients[client] = (port, "Client \(client)")
        return id
    }

    func addToken(raw: String, user: String, type: TokenType) {
        tokens[TokenKey.hash(rawToken: raw)] = (user, type, false)
    }

    private func check() throws {
        if let failure { throw failure }
    }

    private func portalUser(_ user: User) -> PortalUser {
        PortalUser(id: user.id, email: user.email, name: user.name, clientId: user.clientID, portId: port,
                   clientName: clients[user.clientID]?.name, portName: "Test Marina", locale: user.locale)
    }

    private func decode<T: Decodable>(_ type: T.Type, _ object: [String: Any]) -> T {
        try! JSONDecoder().decode(T.self, from: JSONSerialization.data(withJSONObject: object))
    }

    nonisolated var waitingCalls: Int { 0 }
    func ping() async throws { try check() }
    func outboxStats() async throws -> OutboxStats {
        try check()
        return OutboxStats(queued: 0, retrying: 0, sending: 0, sent: 0, dead: 0, skipped: 0, oldestPendingSeconds: 0, nextRunAt: nil)
    }

    func rateLimitHit(bucket: String, key: String) async throws -> Int { try check(); return waitSeconds }
    func signInGate(key: String) async throws -> Int { try check(); return waitSeconds }

    func signInLookup(email: String) async throws -> (userID: String?, passwordHash: String?) {
        try check()
        guard let user = users.values.first(where: { $0.email == email.lowercased() }) else { return (nil, nil) }
        return (user.id, user.active ? user.passwordHash : nil)
    }

    func signInRecord(
        email: String, userID: String?, seenHash: String?, ok: Bool, ip: String?, userAgent: String?, limitKey: String,
        session: NewSession?
    ) async throws -> SessionUser? {
        try check()
        guard ok, let userID, let user = users[userID], user.active else { return nil }
        if let session { record(session, for: user) }
        return SessionUser(user: portalUser(user), sessionEpoch: user.epoch)
    }

    private func record(_ session: NewSession, for user: User) {
        sessions[session.jti] = (user.id, user.epoch, session.expiresAt)
    }

    /// Ends every session of a user: the rows go and the epoch moves on.
    private func endSessions(of userID: String) {
        sessions = sessions.filter { $0.value.user != userID }
        users[userID]?.epoch += 1
    }

    private func isLive(userID: String, epoch: Int, jti: String) -> Bool {
        guard let session = sessions[jti] else { return false }
        return session.user == userID && session.epoch == epoch && session.expiresAt > Int(Date().timeIntervalSince1970)
    }

    func upgradePasswordHash(userID: String, oldHash: String, newHash: String) async throws -> Bool {
        try check()
        guard users[userID]?.passwordHash == oldHash else { return false }
        users[userID]?.passwordHash = newHash
        return true
    }

    func sessionCheck(userID: String, epoch: Int, jti: String) async throws -> PortalUser? {
        try check()
        guard let user = users[userID], user.epoch == epoch, user.active, user.passwordHash != nil,
              isLive(userID: userID, epoch: epoch, jti: jti)
        else { return nil }
        return portalUser(user)
    }

    func setPortalUserLocale(userID: String, epoch: Int, jti: String, locale: String?) async throws -> PortalUser? {
        guard try await sessionCheck(userID: userID, epoch: epoch, jti: jti) != nil else { return nil }
        users[userID]?.locale = locale
        return users[userID].map(portalUser)
    }

    func sessionCheckJSON(userID: String, epoch: Int, jti: String) async throws -> String? {
        guard let user = try await sessionCheck(userID: userID, epoch: epoch, jti: jti) else { return nil }
        return String(decoding: try JSONEncoder().encode(user), as: UTF8.self)
    }

    func signOut(userID: String, epoch: Int, jti: String, expiresAt: Int, all: Bool, ip: String?, userAgent: String?)
        async throws -> Bool
    {
        try check()
        guard users[userID]?.epoch == epoch, isLive(userID: userID, epoch: epoch, jti: jti) else { return false }
        sessions[jti] = nil
        if all { endSessions(of: userID) }
        return true
    }

    func requestPasswordReset(email: String, ip: String?, userAgent: String?) async throws {
        try check()
        resetRequests.append(email)
    }

    func tokenStatus(tokenHash: [UInt8]) async throws -> TokenStatus {
        try check()
        guard let token = tokens[tokenHash] else { return .invalid }
        // As token_status: the marina's name for a valid token only.
        return decode(TokenStatus.self, token.used ? ["status": "used", "type": token.type.rawValue]
                                                   : ["status": "valid", "type": token.type.rawValue, "portName": "Test Marina"])
    }

    func consumeToken(
        type: TokenType, tokenHash: [UInt8], passwordHash: String, ip: String?, userAgent: String?, session: NewSession?
    ) async throws -> SessionUser {
        try check()
        guard let token = tokens[tokenHash], !token.used, token.type == type, var user = users[token.user] else {
            throw PortalError.invalidToken
        }
        tokens[tokenHash]?.used = true
        user.passwordHash = passwordHash
        users[user.id] = user
        endSessions(of: user.id)
        let updated = users[user.id]!
        if let session { record(session, for: updated) }
        return SessionUser(user: portalUser(updated), sessionEpoch: updated.epoch)
    }

    func requestEmailChange(userID: String, seenHash: String, newEmail: String, ip: String?, userAgent: String?) async throws {
        try check()
        guard users[userID]?.passwordHash == seenHash else {
            throw PortalError.from(.init(kind: .query, sqlState: SQLState.passwordConflict, message: "conflict"))
        }
        emailChangeRequests.append((userID, newEmail.lowercased()))
    }

    func addEmailChangeToken(raw: String, user: String, newEmail: String) {
        tokens[TokenKey.hash(rawToken: raw)] = (user, .emailChange, false)
        pendingEmails[TokenKey.hash(rawToken: raw)] = newEmail
    }

    func confirmEmailChange(tokenHash: [UInt8], ip: String?, userAgent: String?) async throws -> PortalUser {
        try check()
        guard let token = tokens[tokenHash], !token.used, token.type == .emailChange, let newEmail = pendingEmails[tokenHash],
              users[token.user] != nil
        else { throw PortalError.invalidToken }
        if users.values.contains(where: { $0.email == newEmail }) {
            throw PortalError.from(.init(kind: .query, sqlState: SQLState.emailTaken, message: "taken"))
        }
        tokens[tokenHash]?.used = true
        users[token.user]?.email = newEmail
        endSessions(of: token.user)
        return portalUser(users[token.user]!)
    }

    func changePasswordLookup(userID: String, epoch: Int, jti: String) async throws -> (sessionValid: Bool, passwordHash: String?) {
        try check()
        guard let user = users[userID], user.epoch == epoch, isLive(userID: userID, epoch: epoch, jti: jti) else {
            return (false, nil)
        }
        return (true, user.passwordHash)
    }

    func changePassword(
        userID: String, oldHash: String, newHash: String, ip: String?, userAgent: String?, session: NewSession
    ) async throws -> SessionUser {
        try check()
        guard users[userID]?.passwordHash == oldHash else {
            throw PortalError.from(.init(kind: .query, sqlState: SQLState.passwordConflict, message: "conflict"))
        }
        users[userID]?.passwordHash = newHash
        endSessions(of: userID)
        let user = users[userID]!
        record(session, for: user)
        return SessionUser(user: portalUser(user), sessionEpoch: user.epoch)
    }

    private func requireKey(_ keyHash: [UInt8]) throws {
        guard keyHash == adminKeyHash else { throw PortalError.invalidAdminKey }
    }

    private func status(client: String) throws -> PortalUserStatus {
        guard clients[client]?.port == port else {
            throw PortalError.from(.init(kind: .query, sqlState: SQLState.clientNotFound, message: "no client"))
        }
        guard let user = users.values.first(where: { $0.clientID == client }) else {
            return decode(PortalUserStatus.self, ["clientId": client, "portId": port, "state": "none", "actions": ["invite"]])
        }
        let state = !user.active ? "disabled" : (user.passwordHash == nil ? "invited" : "active")
        let actions = !user.active ? ["enable"] : (user.passwordHash == nil ? ["resend", "disable"] : ["send-reset", "disable", "revoke-sessions"])
        // An invited user's activation link is out (as portal_user_status reports it).
        let link: Any = state == "invited" ? ["state": "live", "type": "activation", "expiresAt": "2026-01-04T00:00:00Z"] : NSNull()
        return decode(PortalUserStatus.self, [
            "portalUserId": user.id, "clientId": client, "portId": port, "email": user.email, "state": state, "actions": actions,
            "createdAt": "2026-01-01T00:00:00Z", "failedAttempts": 0, "locale": user.locale as Any? ?? NSNull(), "link": link,
        ])
    }

    func keyInvite(keyHash: [UInt8], clientID: String, email: String, name: String?, staffActor: String?, locale: String?)
        async throws -> PortalUserStatus?
    {
        try check()
        try requireKey(keyHash)
        _ = try status(client: clientID)
        // A client has one portal user (checked before the address, as in do_invite).
        if users.values.contains(where: { $0.clientID == clientID }) {
            throw PortalError.from(.init(kind: .query, sqlState: SQLState.portalUserExists, message: "exists"))
        }
        if users.values.contains(where: { $0.email == email.lowercased() }) {
            throw PortalError.from(.init(kind: .query, sqlState: SQLState.emailTaken, message: "taken"))
        }
        let id = "user-\(users.count + 1)"
        users[id] = User(id: id, email: email.lowercased(), name: name, clientID: clientID, passwordHash: nil, locale: locale)
        return try status(client: clientID)
    }

    func keyClientAction(keyHash: [UInt8], clientID: String, action: ClientAction, staffActor: String?) async throws
        -> PortalUserStatus?
    {
        try check()
        try requireKey(keyHash)
        guard let id = users.values.first(where: { $0.clientID == clientID })?.id else {
            throw PortalError.from(.init(kind: .query, sqlState: SQLState.portalUserNotFound, message: "none"))
        }
        switch action {
        case .disable: users[id]?.active = false; endSessions(of: id)
        case .enable: users[id]?.active = true
        case .revokeSessions: endSessions(of: id)
        case .resend, .unlock, .invite, .sendReset: break
        }
        return try status(client: clientID)
    }

    func keyPutClient(
        keyHash: [UInt8], clientID: String, name: String, billingEmail: String?, staffActor: String?, locale: String?
    ) async throws -> ClientPut? {
        try check()
        try requireKey(keyHash)
        if let existing = clients[clientID], existing.port != port {
            throw PortalError.from(.init(kind: .query, sqlState: SQLState.idTaken, message: "taken"))
        }
        let outcome = clients[clientID] == nil ? "created" : (clients[clientID]?.name == name ? "unchanged" : "updated")
        clients[clientID] = (port, name)
        if let locale, let id = users.values.first(where: { $0.clientID == clientID })?.id { users[id]?.locale = locale }
        return decode(ClientPut.self, [
            "client": ["id": clientID, "portId": port, "name": name, "billingEmail": billingEmail as Any? ?? NSNull(),
                       "createdAt": "2026-01-01T00:00:00Z"],
            "outcome": outcome,
        ])
    }

    func keyChangeEmail(keyHash: [UInt8], clientID: String, email: String, staffActor: String?) async throws -> PortalUserStatus? {
        try check()
        try requireKey(keyHash)
        guard let id = users.values.first(where: { $0.clientID == clientID })?.id else {
            throw PortalError.from(.init(kind: .query, sqlState: SQLState.portalUserNotFound, message: "none"))
        }
        if users.values.contains(where: { $0.email == email.lowercased() && $0.id != id }) {
            throw PortalError.from(.init(kind: .query, sqlState: SQLState.emailTaken, message: "taken"))
        }
        if users[id]?.passwordHash == nil { users[id]?.email = email.lowercased() }
        return try status(client: clientID)
    }

    func keyClientStatus(keyHash: [UInt8], clientID: String) async throws -> PortalUserStatus? {
        try check()
        try requireKey(keyHash)
        return try status(client: clientID)
    }

    /// The staff user each admin call named (X-Portal-Actor), in order: what the audit would record.
    private(set) var staffActors: [String?] = []

    func keyDeleteClient(keyHash: [UInt8], clientID: String, staffActor: String?) async throws {
        try check()
        try requireKey(keyHash)
        _ = try status(client: clientID)
        staffActors.append(staffActor)
        for user in users.values where user.clientID == clientID {
            endSessions(of: user.id)
            users[user.id] = nil
        }
        clients[clientID] = nil
    }

    func keyUserEvents(keyHash: [UInt8], clientID: String, limit: Int) async throws -> [AuditEntry] {
        try check()
        try requireKey(keyHash)
        guard users.values.contains(where: { $0.clientID == clientID }) else {
            _ = try status(client: clientID)
            throw PortalError.from(.init(kind: .query, sqlState: SQLState.portalUserNotFound, message: "none"))
        }
        return []
    }
}
