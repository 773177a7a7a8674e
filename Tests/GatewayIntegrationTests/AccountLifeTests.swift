import Foundation
import HTTPTypes
import PQ
import TestSupport
import Testing

/// The life of a client account over HTTP: forgot-password on an account imported without a
/// password, deleting a client (sessions, mail, address, audit, pg_dump), staff sending a reset,
/// the staff user an admin call names, and a user's history for support.
@Suite(.enabled(if: TestEnvironment.hasDatabase, "needs the test database (PORTAL_TEST_DATABASE_URL): run scripts/test.sh")) struct AccountLifeTests {
    static let actor = HTTPField.Name("X-Portal-Actor")!

    /// An admin call naming the CRM staff user `actor`.
    static func admin(
        _ gateway: Gateway, _ method: HTTPRequest.Method, _ path: String, key: String, actor: String, json: String? = nil
    ) async throws -> Gateway.Reply {
        try await gateway.send(method, path, json: json, origin: nil, headers: [.authorization: "Bearer \(key)", Self.actor: actor])
    }

    /// An invited user as the import brings one from the magic-link portal: no password, no link.
    static func imported(_ fixture: Fixture, email: String) throws -> String {
        let client = try fixture.client(name: "Imported \(UUID().uuidString.prefix(8))")
        try fixture.db.query(
            "select portal_api.import_portal_user($1, $2, $3, $4, null, 'Imported Owner', true, null, null, null)",
            ["pu-\(UUID().uuidString.lowercased())", fixture.portID, client, email])
        return client
    }

    static func count(_ db: Connection, _ sql: String, _ parameters: [any PQEncodable]) throws -> Int {
        try #require(try db.query(sql, parameters).scalar(Int.self))
    }

    @Test func forgotPasswordOnAnImportedAccountMailsAnActivationLinkThatSignsIn() async throws {
        let fixture = try Fixture()
        let email = Fixture.uniqueEmail("imported")
        _ = try Self.imported(fixture, email: email)
        try await Harness.withGateway { gateway in
            let unknown = try await gateway.post("/api/portal/auth/forgot-password", #"{"email": "\#(Fixture.uniqueEmail("nobody"))"}"#)
            let invited = try await gateway.post("/api/portal/auth/forgot-password", #"{"email": "\#(email.uppercased())"}"#)
            #expect(invited.status == 200)
            #expect(invited.body == unknown.body, "the same answer as for an address with no account")
            #expect(try Self.count(fixture.db, """
                select count(*)::int from portal.mail_outbox m join portal.portal_users u on u.id = m.portal_user_id
                 where u.email = $1 and m.kind = 'activation' and m.status = 'queued'
                """, [email]) == 1, "an activation mail is queued")
            let token = try fixture.sealedToken(email: email, type: .activation)
            let activated = try await gateway.post("/api/portal/auth/activate",
                #"{"token": "\#(token)", "password": "\#(PortalFlowTests.goodPassword)"}"#)
            #expect(activated.status == 200)
            #expect(try await gateway.signIn(email, PortalFlowTests.goodPassword).status == 200,
                    "the client signs in with the password they set")
        }
    }

    @Test func deleteEndsTheSessionDropsTheMailFreesTheAddressAndAnswers404After() async throws {
        let fixture = try Fixture()
        let other = try Fixture()
        let client = try fixture.client()
        let email = Fixture.uniqueEmail("deleted")
        try await Harness.withGateway { gateway in
            let path = "/api/v1/clients/\(client)/portal-user"
            #expect(try await gateway.admin(.post, path, key: fixture.adminKey, json: #"{"email": "\#(email)"}"#).status == 201)
            let token = try fixture.sealedToken(email: email, type: .activation)
            #expect(try await gateway.post("/api/portal/auth/activate",
                #"{"token": "\#(token)", "password": "\#(PortalFlowTests.goodPassword)"}"#).status == 200)
            let cookie = try #require(try await gateway.signIn(email, PortalFlowTests.goodPassword).sessionCookie)
            #expect(try await gateway.get("/api/portal/auth/me", cookie: cookie).status == 200)
            _ = try await gateway.post("/api/portal/auth/forgot-password", #"{"email": "\#(email)"}"#)
            #expect(try Self.count(fixture.db, "select count(*)::int from portal.mail_outbox where recipient = $1 and status = 'queued'",
                                   [email]) >= 1, "a reset mail waits in the outbox")

            #expect(try await gateway.admin(.delete, "/api/v1/clients/\(client)", key: other.adminKey).status == 404,
                    "another port's key cannot delete it")
            let deleted = try await Self.admin(gateway, .delete, "/api/v1/clients/\(client)", key: fixture.adminKey, actor: "crm-user-7")
            #expect(deleted.status == 204)
            #expect(deleted.body.isEmpty)

            #expect(try await gateway.get("/api/portal/auth/me", cookie: cookie).status == 401, "the old cookie is refused at once")
            #expect(try await gateway.get("/api/portal/auth/session", cookie: cookie).status == 401)
            let signIn = try await gateway.signIn(email, PortalFlowTests.goodPassword)
            #expect(signIn.status == 401)
            #expect(signIn.errorCode == "invalid_credentials", "sign-in answers as for an unknown address")
            #expect(try Self.count(fixture.db, "select count(*)::int from portal.mail_outbox where recipient = $1", [email]) == 0,
                    "its queued mail is gone: no mailer can send it")
            #expect(try await gateway.admin(.delete, "/api/v1/clients/\(client)", key: fixture.adminKey).status == 404)
            #expect(try await gateway.admin(.get, path, key: fixture.adminKey).status == 404)

            let again = try fixture.client()
            #expect(try await gateway.admin(.post, "/api/v1/clients/\(again)/portal-user", key: fixture.adminKey,
                                            json: #"{"email": "\#(email)"}"#).status == 201, "the address is free for a new invite")
            let audit: String? = try fixture.db.query("""
                select on_behalf_of || ' ' || staff_actor from portal.auth_events where event = 'client_deleted' and client_id = $1
                """, [client]).scalar()
            #expect(audit?.hasPrefix("admin_key:") == true)
            #expect(audit?.hasSuffix(" crm-user-7") == true, "the delete is audited with the key and the staff user it named")
        }
    }

    @Test func deleteWaitsWhileAMailerIsSendingOneOfItsMails() async throws {
        let fixture = try Fixture()
        let client = try fixture.client()
        let email = Fixture.uniqueEmail("leased")
        try fixture.db.query("select portal_api.invite($1, $2)", [client, email])
        // A mailer has claimed the activation mail (it may be talking to SMTP right now).
        try fixture.db.query("""
            update portal.mail_outbox set status = 'sending', locked_by = 'test-mailer', locked_until = now() + interval '90 seconds'
             where recipient = $1
            """, [email])
        try await Harness.withGateway { gateway in
            let refused = try await gateway.admin(.delete, "/api/v1/clients/\(client)", key: fixture.adminKey)
            #expect(refused.status == 503)
            let wait = Int(refused.headers[.retryAfter] ?? "") ?? 0
            // The lease's remaining seconds now, from the database's clock: the answer was given a
            // moment ago, so it may be a little more, never less (however long the start took).
            let remaining = try Self.count(fixture.db, """
                select ceil(extract(epoch from locked_until - now()))::int from portal.mail_outbox where recipient = $1
                """, [email])
            #expect(remaining > 0 && (remaining...remaining + 3).contains(wait),
                    "Retry-After is the time the lease still runs (\(wait), the database says \(remaining))")
            #expect(try Self.count(fixture.db, "select count(*)::int from portal.clients where id = $1", [client]) == 1,
                    "nothing was deleted")
            try fixture.db.query("select portal_api.complete_mail(id, 'test-mailer') from portal.mail_outbox where recipient = $1", [email])
            #expect(try await gateway.admin(.delete, "/api/v1/clients/\(client)", key: fixture.adminKey).status == 204,
                    "once the mailer is done, the delete goes through")
        }
    }

    /// `pg_dump` of the whole database holds no trace of a deleted client's address, name or
    /// user agent: the real pg_dump, before (it finds them) and after the delete.
    @Test func pgDumpFindsNothingOfADeletedClient() async throws {
        let fixture = try Fixture()
        let marker = UUID().uuidString.prefix(12).lowercased()
        let email = "erased-\(marker)@example.com"
        let clientName = "Erased Client \(marker)"
        let personName = "Erased Person \(marker)"
        let userAgent = "ErasedAgent/\(marker)"
        let client = try fixture.client(name: clientName)
        // A failed sign-in with the address before it had an account: a row without a user id.
        try fixture.db.query("select portal_api.sign_in_record($1, null, null, false, '192.0.2.44', $2)", [email, userAgent])
        try await Harness.withGateway { gateway in
            #expect(try await gateway.admin(.post, "/api/v1/clients/\(client)/portal-user", key: fixture.adminKey,
                                            json: #"{"email": "\#(email)", "name": "\#(personName)"}"#).status == 201)
            let token = try fixture.sealedToken(email: email, type: .activation)
            _ = try await gateway.send(.post, "/api/portal/auth/activate",
                json: #"{"token": "\#(token)", "password": "\#(PortalFlowTests.goodPassword)"}"#, headers: [.userAgent: userAgent])
            _ = try await gateway.send(.post, "/api/portal/auth/sign-in",
                json: #"{"email": "\#(email)", "password": "wrong password 123"}"#, headers: [.userAgent: userAgent])
            _ = try await gateway.send(.post, "/api/portal/auth/forgot-password", json: #"{"email": "\#(email)"}"#,
                                       headers: [.userAgent: userAgent])

            let before = try Self.pgDump()
            for trace in [email, clientName, personName, userAgent] {
                #expect(before.contains(trace), "the dump holds \(trace) while the client exists")
            }
            #expect(try await gateway.admin(.delete, "/api/v1/clients/\(client)", key: fixture.adminKey).status == 204)
            let after = try Self.pgDump()
            for trace in [email, clientName, personName, userAgent, marker] {
                #expect(!after.contains(trace), "the dump holds \(trace) after the delete")
            }
            #expect(try Self.count(fixture.db, "select count(*)::int from portal.auth_events where client_id = $1 and ip is not null",
                                   [client]) == 0, "no audit row of it keeps a network address")
        }
    }

    /// The whole test database as `pg_dump` writes it (plain SQL, data included).
    static func pgDump() throws -> String {
        let binary = ProcessInfo.processInfo.environment["PG_BIN"].map { $0 + "/pg_dump" } ?? "/usr/bin/pg_dump"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--dbname", try TestEnvironment.databaseURL()]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "pg_dump failed")
        return String(decoding: data, as: UTF8.self)
    }

    @Test func staffSendAResetToAnActiveUserWithinALimit() async throws {
        let fixture = try Fixture()
        let client = try fixture.client()
        let invited = try fixture.client()
        let email = Fixture.uniqueEmail("phone")
        try await Harness.withGateway { gateway in
            let path = "/api/v1/clients/\(client)/portal-user"
            _ = try await gateway.admin(.post, path, key: fixture.adminKey, json: #"{"email": "\#(email)"}"#)
            _ = try await gateway.admin(.post, "/api/v1/clients/\(invited)/portal-user", key: fixture.adminKey,
                                        json: #"{"email": "\#(Fixture.uniqueEmail())"}"#)
            let token = try fixture.sealedToken(email: email, type: .activation)
            #expect(try await gateway.post("/api/portal/auth/activate",
                #"{"token": "\#(token)", "password": "\#(PortalFlowTests.goodPassword)"}"#).status == 200)
            let status = try await gateway.admin(.get, path, key: fixture.adminKey)
            #expect(((status.json["portalUser"] as? [String: Any])?["actions"] as? [String])?.contains("send-reset") == true)
            let invitedStatus = try await gateway.admin(.get, "/api/v1/clients/\(invited)/portal-user", key: fixture.adminKey)
            #expect(((invitedStatus.json["portalUser"] as? [String: Any])?["actions"] as? [String])?.contains("send-reset") == false)

            let sent = try await Self.admin(gateway, .post, path + "?action=send-reset", key: fixture.adminKey, actor: "ann@crm")
            #expect(sent.status == 200)
            let reset = try fixture.sealedToken(email: email, type: .reset)
            let newPassword = PortalFlowTests.goodPassword + " again"
            #expect(try await gateway.post("/api/portal/auth/reset-password",
                #"{"token": "\#(reset)", "password": "\#(newPassword)"}"#).status == 200, "the mailed link resets the password")
            #expect(try await gateway.signIn(email, newPassword).status == 200)
            let audited: String? = try fixture.db.query("""
                select staff_actor from portal.auth_events e join portal.portal_users u on u.id = e.portal_user_id
                 where u.email = $1 and e.event = 'reset_sent'
                """, [email]).scalar()
            #expect(audited == "ann@crm", "audited with the staff user the call named")

            for _ in 0..<4 { _ = try await gateway.admin(.post, path + "?action=send-reset", key: fixture.adminKey) }
            let limited = try await gateway.admin(.post, path + "?action=send-reset", key: fixture.adminKey)
            #expect(limited.status == 429, "the sixth within the hour is refused")
            #expect(limited.errorCode == "rate_limited")
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 > 0)
        }
    }

    @Test func theStaffActorHeaderIsCheckedAndRecordedBesideTheKey() async throws {
        let fixture = try Fixture()
        let client = try fixture.client()
        try await Harness.withGateway { gateway in
            let path = "/api/v1/clients/\(client)/portal-user"
            let body = #"{"email": "\#(Fixture.uniqueEmail("actor"))"}"#
            for bad in [String(repeating: "x", count: 201), "ann\tsmith", "ann\u{202E}nimda", "   "] {
                let refused = try await Self.admin(gateway, .post, path, key: fixture.adminKey, actor: bad, json: body)
                #expect(refused.status == 400, "X-Portal-Actor \(bad.debugDescription)")
                #expect(refused.errorCode == "invalid_request")
            }
            #expect(try Self.count(fixture.db, "select count(*)::int from portal.portal_users where client_id = $1", [client]) == 0,
                    "a refused header changes nothing")
            let longest = String(repeating: "é", count: 100)
            let invited = try await Self.admin(gateway, .post, path, key: fixture.adminKey, actor: longest, json: body)
            #expect(invited.status == 201, "200 bytes of printable text are taken")
            let row: String? = try fixture.db.query("""
                select on_behalf_of || '|' || staff_actor from portal.auth_events where client_id = $1 and event = 'invite'
                """, [client]).scalar()
            let keyID: String? = try fixture.db.query("select id from portal_api.list_admin_keys($1)", [fixture.portID]).scalar()
            #expect(row == "admin_key:\(keyID ?? "?")|\(longest)", "the key and the staff user it named, side by side")
            _ = try await gateway.admin(.post, path + "?action=disable", key: fixture.adminKey)
            let unnamed: Int = try Self.count(fixture.db, """
                select count(*)::int from portal.auth_events where client_id = $1 and event = 'disable' and staff_actor is null
                """, [client])
            #expect(unnamed == 1, "a call without the header names nobody")
            _ = try await gateway.admin(.post, path + "?action=enable", key: fixture.adminKey)

            // Every admin call that writes the audit records it: PUT and PATCH too.
            let crmID = "crm-actor-\(UUID().uuidString.prefix(8).lowercased())"
            #expect(try await Self.admin(gateway, .put, "/api/v1/clients/\(crmID)", key: fixture.adminKey, actor: "carol",
                                         json: #"{"name": "Actor Yachts"}"#).status == 201)
            #expect(try await Self.admin(gateway, .patch, path, key: fixture.adminKey, actor: "dave",
                                         json: #"{"email": "\#(Fixture.uniqueEmail("moved"))"}"#).status == 200)
            let put: String? = try fixture.db.query(
                "select staff_actor from portal.auth_events where client_id = $1 and event = 'client_created'", [crmID]).scalar()
            #expect(put == "carol")
            let patch: String? = try fixture.db.query(
                "select staff_actor from portal.auth_events where client_id = $1 and event = 'email_changed'", [client]).scalar()
            #expect(patch == "dave")
        }
    }

    @Test func theHistoryAnswersNewestFirstWithinTheKeysPort() async throws {
        let fixture = try Fixture()
        let other = try Fixture()
        let client = try fixture.client()
        let bare = try fixture.client()
        let email = Fixture.uniqueEmail("history")
        try await Harness.withGateway { gateway in
            let path = "/api/v1/clients/\(client)/portal-user"
            _ = try await Self.admin(gateway, .post, path, key: fixture.adminKey, actor: "bob", json: #"{"email": "\#(email)"}"#)
            _ = try await gateway.signIn(email, "not the password at all")
            _ = try await gateway.admin(.post, path + "?action=resend", key: fixture.adminKey)

            let all = try await gateway.admin(.get, path + "/events", key: fixture.adminKey)
            #expect(all.status == 200)
            let events = try #require(all.json["events"] as? [[String: Any]])
            #expect(events.map { $0["event"] as? String } == ["resend", "sign_in_failed", "invite"], "newest first")
            #expect(events[1]["outcome"] as? String == "failed")
            #expect(events[1]["reason"] as? String == "not_activated")
            #expect(events[1]["actor"] as? String == "portal")
            #expect(events[2]["staffActor"] as? String == "bob")
            #expect((events[2]["actor"] as? String)?.hasPrefix("admin_key:") == true)
            #expect(events.allSatisfy { $0["occurredAt"] is String })
            #expect(!all.body.contains(email), "the history holds no address")

            let two = try await gateway.admin(.get, path + "/events?limit=2", key: fixture.adminKey)
            #expect((two.json["events"] as? [[String: Any]])?.count == 2)
            for bad in ["0", "501", "ten", "-1"] {
                #expect(try await gateway.admin(.get, path + "/events?limit=\(bad)", key: fixture.adminKey).status == 400, "limit=\(bad)")
            }
            #expect(try await gateway.admin(.get, path + "/events", key: other.adminKey).status == 404, "another port's key")
            let none = try await gateway.admin(.get, "/api/v1/clients/\(bare)/portal-user/events", key: fixture.adminKey)
            #expect(none.status == 404)
            #expect(none.errorCode == "portal_user_not_found")
        }
    }
}
