import Foundation
import HTTPTypes
import Hummingbird
import PortalCore
import PortalCrypto

/// The staff API: `/api/v1/clients/:id/portal-user`, authenticated by `Authorization: Bearer
/// <admin key>`. The key's SHA-256 goes to the database with every call, which checks it and
/// confines the call to the key's port: another port's client is simply not found.
struct AdminController: Sendable {
    let store: any GatewayStore

    struct InviteRequest: Decodable, Validating {
        static let fields: Set<String> = ["email", "name"]
        let email: String
        let name: String?
        func validate() throws(PortalError) {
            _ = try Field.email(email)
            if let name { try Field.text(name, "name", max: 200, allowEmpty: true) }
        }
    }

    struct PortalUserResponse: Encodable {
        let portalUser: PortalUserStatus
    }

    struct PutClientRequest: Decodable, Validating {
        static let fields: Set<String> = ["name", "billingEmail"]
        let name: String
        let billingEmail: String?
        func validate() throws(PortalError) {
            try Field.text(name, "name", max: 200)
            if let billingEmail { _ = try Field.email(billingEmail) }
        }
    }

    struct ClientResponse: Encodable {
        let client: ClientRecord
    }


    func register(on router: Router<PortalRequestContext>) {
        router.post("api/v1/clients/:id/portal-user", use: post)
        router.get("api/v1/clients/:id/portal-user", use: status)
        router.put("api/v1/clients/:id", use: putClient)
    }

    /// The key's SHA-256, after one hit on its `admin_key` rate limit (and `extra` buckets).
    private func keyHash(_ request: Request, alsoLimit extra: [String] = []) async throws -> [UInt8] {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw PortalError.invalidAdminKey
        }
        let key = header.dropFirst("Bearer ".count).trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty, key.utf8.count <= 256 else { throw PortalError.invalidAdminKey }
        let hash = Digest.sha256(key)
        for bucket in ["admin_key"] + extra {
            let wait = try await store.rateLimitHit(bucket: bucket, key: Array(hash.prefix(12)).hex)
            if wait > 0 { throw PortalError.rateLimited(retryAfter: wait) }
        }
        return hash
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
        let hash = try await keyHash(request)
        let client = try clientID(context)
        let body = try await JSONBody.decode(PutClientRequest.self, from: request, context: context)
        guard let put = try await store.keyPutClient(
            keyHash: hash, clientID: client, name: body.name, billingEmail: try body.billingEmail.map { try Field.email($0) })
        else { throw PortalError.internalError }
        return .json(ClientResponse(client: put.client), status: put.outcome == "created" ? .created : .ok)
    }

    /// Invite (no `action`), or `?action=resend|disable|enable|unlock|revoke-sessions`.
    @Sendable func post(_ request: Request, context: PortalRequestContext) async throws -> Response {
        // Invites also count on invite_key: with a global unique email, each invite can tell a
        // key whether an address has an account in another port (every such conflict is audited).
        let isInvite = request.uri.queryParameters.get("action") == nil
        let hash = try await keyHash(request, alsoLimit: isInvite ? ["invite_key"] : [])
        let client = try clientID(context)
        if let action = request.uri.queryParameters.get("action") {
            // `invite` is an action too, but no `?action=`: an invite is the POST without one.
            guard let action = ClientAction(rawValue: action), action != .invite else {
                throw PortalError.badRequest("Query parameter 'action' must be one of: \(ClientAction.list).")
            }
            guard let status = try await store.keyClientAction(keyHash: hash, clientID: client, action: action) else {
                throw PortalError.internalError
            }
            return .json(PortalUserResponse(portalUser: status))
        }
        let body = try await JSONBody.decode(InviteRequest.self, from: request, context: context)
        guard let status = try await store.keyInvite(keyHash: hash, clientID: client, email: try Field.email(body.email), name: body.name)
        else { throw PortalError.internalError }
        return .json(PortalUserResponse(portalUser: status), status: .created)
    }

    @Sendable func status(_ request: Request, context: PortalRequestContext) async throws -> Response {
        let hash = try await keyHash(request)
        guard let status = try await store.keyClientStatus(keyHash: hash, clientID: try clientID(context)) else {
            throw PortalError.internalError
        }
        return .json(PortalUserResponse(portalUser: status))
    }
}
