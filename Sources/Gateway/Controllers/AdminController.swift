import Foundation
import HTTPTypes
import Hummingbird
import PortalCore

/// The staff API: `/api/v1/clients/:id/portal-user`, authenticated by `Authorization: Bearer
/// <admin key>`. The key's SHA-256 goes to the database with every call, which checks it and
/// confines the call to the key's port: another port's client is simply not found. Every call may
/// name the CRM's staff user in `X-Portal-Actor`; the audit records it beside the key, as the key
/// holder's claim.
struct AdminController: Sendable {
    let service: PortalService

    struct InviteRequest: Decodable, Validating {
        static let fields: Set<String> = ["email", "name", "locale"]
        let email: String
        let name: String?
        /// The client's own language for pages and mails (else the port's).
        let locale: String?
        func validate() throws(PortalError) {
            _ = try Field.email(email)
            if let name { try Field.text(name, "name", max: 200, allowEmpty: true) }
            _ = try Field.locale(locale)
        }
    }

    struct PortalUserResponse: Encodable {
        let portalUser: PortalUserStatus
    }

    struct PutClientRequest: Decodable, Validating {
        static let fields: Set<String> = ["name", "billingEmail", "locale"]
        let name: String
        let billingEmail: String?
        /// The language of the client's portal user, when it has one (absent or null: unchanged).
        let locale: String?
        func validate() throws(PortalError) {
            try Field.text(name, "name", max: 200)
            if let billingEmail { _ = try Field.email(billingEmail) }
            _ = try Field.locale(locale)
        }
    }

    struct ClientResponse: Encodable {
        let client: ClientRecord
    }

    struct ChangeEmailRequest: Decodable, Validating {
        static let fields: Set<String> = ["email"]
        let email: String
        func validate() throws(PortalError) { _ = try Field.email(email) }
    }


    func register(on router: Router<PortalRequestContext>) {
        router.post("api/v1/clients/:id/portal-user", use: post)
        router.get("api/v1/clients/:id/portal-user", use: status)
        router.patch("api/v1/clients/:id/portal-user", use: changeEmail)
        router.put("api/v1/clients/:id", use: putClient)
        router.delete("api/v1/clients/:id", use: deleteClient)
        router.get("api/v1/clients/:id/portal-user/events", use: events)
    }

    struct EventsResponse: Encodable {
        let events: [AuditEntry]
    }

    static let actorHeader = HTTPField.Name("X-Portal-Actor")!

    /// `X-Portal-Actor`, trimmed: 1 to 200 bytes of UTF-8 without control or formatting
    /// characters (bidi overrides, zero-width marks), else 400. Absent: nil.
    static func staffActor(_ request: Request) throws(PortalError) -> String? {
        let values = request.headers[values: actorHeader]
        guard let raw = values.first else { return nil }
        // Only the spaces and tabs HTTP allows around a value are trimmed: anything else counts.
        let actor = String(raw.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
        let printable = actor.unicodeScalars.allSatisfy { scalar in
            switch scalar.properties.generalCategory {
            case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator: false
            default: scalar != "\u{FFFD}"
            }
        }
        guard values.count == 1, (1...200).contains(actor.utf8.count), printable else {
            throw PortalError.badRequest(
                "X-Portal-Actor must be one value of 1 to 200 bytes of printable text: the CRM's staff user id.")
        }
        return actor
    }

    /// The bearer key, admitted by the service (its rate limits; an invite's too).
    private func adminKey(_ request: Request, inviting: Bool = false) async throws -> AdminKey {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw PortalError.invalidAdminKey
        }
        let key = header.dropFirst("Bearer ".count).trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty, key.utf8.count <= 256 else { throw PortalError.invalidAdminKey }
        return try await service.admitAdminKey(key, inviting: inviting, staffActor: try Self.staffActor(request))
    }

    /// A client id: the CRM's own, 1 to 200 letters, digits or `. _ : -`, starting with a letter
    /// or digit (the database's rule).
    private func clientID(_ context: PortalRequestContext) throws -> String {
        guard let id = context.parameters.get("id"), (1...200).contains(id.utf8.count),
              id.utf8.allSatisfy({ Self.idBytes.contains($0) }), let first = id.utf8.first, Self.alphanumeric.contains(first)
        else {
            throw PortalError.badRequest("The client id must be 1 to 200 letters, digits or . _ : -, starting with a letter or digit.")
        }
        return id
    }

    private static let alphanumeric = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    private static let idBytes = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-".utf8)

    /// Registers (201) or updates (200) a client of the key's port under the CRM's id: idempotent,
    /// so the CRM calls it before every invite. 409 `id_taken` when the id (or one differing only
    /// in case) belongs to another port's client — audited, and counted on the key's
    /// `client_id_key` limit, past which its PUTs of ids it does not hold answer 429 with
    /// Retry-After — or, named, to a client of this port in another case.
    @Sendable func putClient(_ request: Request, context: PortalRequestContext) async throws -> Response {
        let key = try await adminKey(request)
        let client = try clientID(context)
        let body = try await JSONBody.decode(PutClientRequest.self, from: request, context: context)
        let put = try await service.putClient(
            by: key, clientID: client, name: body.name, billingEmail: try body.billingEmail.map { try Field.email($0) },
            locale: try Field.locale(body.locale))
        return .json(ClientResponse(client: put.client), status: put.outcome == "created" ? .created : .ok)
    }

    /// Invite (no `action`), or `?action=resend|disable|enable|unlock|revoke-sessions|send-reset`
    /// (send-reset: 429 with Retry-After past its per-user limit).
    @Sendable func post(_ request: Request, context: PortalRequestContext) async throws -> Response {
        // Invites also count on invite_key (every cross-port conflict is audited, too).
        let key = try await adminKey(request, inviting: request.uri.queryParameters.get("action") == nil)
        let client = try clientID(context)
        if let action = request.uri.queryParameters.get("action") {
            // `invite` is an action too, but no `?action=`: an invite is the POST without one.
            guard let action = ClientAction(rawValue: action), action != .invite else {
                throw PortalError.badRequest("Query parameter 'action' must be one of: \(ClientAction.list).")
            }
            return .json(PortalUserResponse(portalUser: try await service.perform(action, by: key, clientID: client)))
        }
        let body = try await JSONBody.decode(InviteRequest.self, from: request, context: context)
        let status = try await service.invite(
            by: key, clientID: client, email: try Field.email(body.email), name: body.name, locale: try Field.locale(body.locale))
        return .json(PortalUserResponse(portalUser: status), status: .created)
    }

    /// Changes the portal user's address: an invited user's at once, with a fresh activation link
    /// to it; an active user's when the confirmation link mailed to the new address is used (a
    /// notice goes to the old one). 409 `email_taken` when another portal user has the address,
    /// 409 `portal_user_disabled` for a disabled user. Counted on `invite_key` too: like an
    /// invite, it can tell whether an address has an account.
    @Sendable func changeEmail(_ request: Request, context: PortalRequestContext) async throws -> Response {
        let key = try await adminKey(request, inviting: true)
        let client = try clientID(context)
        let body = try await JSONBody.decode(ChangeEmailRequest.self, from: request, context: context)
        let status = try await service.changeEmail(by: key, clientID: client, email: try Field.email(body.email))
        return .json(PortalUserResponse(portalUser: status))
    }

    @Sendable func status(_ request: Request, context: PortalRequestContext) async throws -> Response {
        let key = try await adminKey(request)
        return .json(PortalUserResponse(portalUser: try await service.clientStatus(by: key, clientID: try clientID(context))))
    }

    /// Deletes a client of the key's port (the seed's cascade): 204, then 404. 503 with
    /// Retry-After while one of its mails is being sent (nothing is deleted then).
    @Sendable func deleteClient(_ request: Request, context: PortalRequestContext) async throws -> Response {
        let key = try await adminKey(request)
        try await service.deleteClient(by: key, clientID: try clientID(context))
        return Response(status: .noContent)
    }

    /// The portal user's audit history, newest first: `?limit=` 1 to 500 (default 50).
    @Sendable func events(_ request: Request, context: PortalRequestContext) async throws -> Response {
        let key = try await adminKey(request)
        let client = try clientID(context)
        var limit = 50
        if let text = request.uri.queryParameters.get("limit") {
            guard let value = Int(text), (1...500).contains(value) else {
                throw PortalError.badRequest("Query parameter 'limit' must be a whole number from 1 to 500.")
            }
            limit = value
        }
        return .json(EventsResponse(events: try await service.userEvents(by: key, clientID: client, limit: limit)))
    }
}
