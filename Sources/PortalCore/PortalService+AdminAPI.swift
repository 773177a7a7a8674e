import PortalCrypto

/// An admin API key that passed its rate limits: its SHA-256 goes to the database with every call,
/// which checks it and confines the call to the key's port (the key itself is never stored).
/// `staffActor` is the CRM staff user the call names (`X-Portal-Actor`), recorded in the audit
/// beside the key: a claim of the key's holder, which nothing here can check.
public struct AdminKey: Sendable {
    let hash: [UInt8]
    let staffActor: String?
}

/// The staff API's use cases (`/api/v1/clients/…`): each call names its key, admitted first.
extension PortalService {
    /// The key presented as a bearer token, after one hit on its `admin_key` limit (an invite
    /// also on `invite_key`: with a global unique email, each invite can tell a key whether an
    /// address has an account in another port, so invites get a budget of their own).
    public func admitAdminKey(_ key: String, inviting: Bool = false, staffActor: String? = nil) async throws -> AdminKey {
        let hash = Digest.sha256(key)
        let limitKey = Array(hash.prefix(12)).hex
        for bucket in inviting ? ["admin_key", "invite_key"] : ["admin_key"] {
            let wait = try await store.rateLimitHit(bucket: bucket, key: limitKey)
            if wait > 0 { throw PortalError.rateLimited(retryAfter: wait) }
        }
        return AdminKey(hash: hash, staffActor: staffActor)
    }

    /// Creates the portal user of a client of the key's port and queues its activation mail, in
    /// `locale` (the client's own language, a `LanguageTag`; nil: the port's).
    public func invite(
        by key: AdminKey, clientID: String, email: String, name: String?, locale: LanguageTag? = nil
    ) async throws -> PortalUserStatus {
        guard let status = try await store.keyInvite(
            keyHash: key.hash, clientID: clientID, email: email, name: name, staffActor: key.staffActor,
            locale: locale?.description) else {
            throw PortalError.internalError
        }
        return status
    }

    /// resend | disable | enable | unlock | revoke-sessions | send-reset on a client of the key's
    /// port (send-reset past its per-user limit: `rate_limited`).
    public func perform(_ action: ClientAction, by key: AdminKey, clientID: String) async throws -> PortalUserStatus {
        guard let status = try await store.keyClientAction(
            keyHash: key.hash, clientID: clientID, action: action, staffActor: key.staffActor)
        else {
            throw PortalError.internalError
        }
        return status
    }

    /// Changes the address of a client's portal user in the key's port: an invited user's at once
    /// (with a fresh activation link to it), an active user's when the link mailed to the new
    /// address is used. The status's `note` says which.
    public func changeEmail(by key: AdminKey, clientID: String, email: String) async throws -> PortalUserStatus {
        guard let status = try await store.keyChangeEmail(
            keyHash: key.hash, clientID: clientID, email: email, staffActor: key.staffActor) else {
            throw PortalError.internalError
        }
        return status
    }

    /// Registers or updates a client of the key's port under the CRM's id; `locale`, when given,
    /// becomes its portal user's language (a client without one gets its language with the invite).
    public func putClient(
        by key: AdminKey, clientID: String, name: String, billingEmail: String?, locale: LanguageTag? = nil
    ) async throws -> ClientPut {
        guard let put = try await store.keyPutClient(
            keyHash: key.hash, clientID: clientID, name: name, billingEmail: billingEmail, staffActor: key.staffActor,
            locale: locale?.description)
        else { throw PortalError.internalError }
        return put
    }

    /// The portal user's state, as the key's port sees it.
    public func clientStatus(by key: AdminKey, clientID: String) async throws -> PortalUserStatus {
        guard let status = try await store.keyClientStatus(keyHash: key.hash, clientID: clientID) else {
            throw PortalError.internalError
        }
        return status
    }

    /// Deletes a client of the key's port as the CRM's cascade says: its portal user, tokens,
    /// sessions and mail go, its address is free, the audit keeps no personal data of it.
    /// `unavailable` (with the wait) while one of its mails is being sent: nothing is deleted then.
    public func deleteClient(by key: AdminKey, clientID: String) async throws {
        try await store.keyDeleteClient(keyHash: key.hash, clientID: clientID, staffActor: key.staffActor)
    }

    /// The audit history of a client's portal user in the key's port, newest first, for support.
    public func userEvents(by key: AdminKey, clientID: String, limit: Int) async throws -> [AuditEntry] {
        try await store.keyUserEvents(keyHash: key.hash, clientID: clientID, limit: limit)
    }
}
