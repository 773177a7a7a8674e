/// The words the HTTP API, the CLI and the mailer share with the SQL API, spelled once.

/// What a single-use token is for (`portal_auth_tokens.type`).
public enum TokenType: String, Sendable, CaseIterable, Codable {
    case activation
    case reset
    /// Confirms a new address: mailed to it, it moves the account there when used.
    case emailChange = "email_change"

    /// The portal page its mailed link opens.
    public var pagePath: String {
        switch self {
        case .activation: PortalPaths.activate
        case .reset: PortalPaths.resetPassword
        case .emailChange: PortalPaths.confirmEmail
        }
    }
}

/// What a queued mail is (`mail_outbox.kind`): each has its templates.
public enum MailKind: String, Sendable, CaseIterable, Codable {
    case activation
    case reset
    case passwordChanged = "password_changed"
    /// The link that confirms a new address, sent to that address.
    case emailChange = "email_change"
    /// To the current address: a change to `newEmail` was asked for (no link).
    case emailChangeNotice = "email_change_notice"
    /// To an address that already has an account, in place of a confirmation link (no link).
    case emailTaken = "email_taken"

    /// The token its link carries; nil for a mail without a link.
    public var tokenType: TokenType? {
        switch self {
        case .activation: .activation
        case .reset: .reset
        case .emailChange: .emailChange
        case .passwordChanged, .emailChangeNotice, .emailTaken: nil
        }
    }
}

/// Where a client's portal user stands (`portal.user_status`), as the admin API and the CLI say it.
public enum AccountState: String, Sendable, CaseIterable, Codable {
    /// The client has no portal user yet.
    case none
    case invited
    case active
    case disabled
    case locked
}

/// What staff can do to a client's portal user: the words of a status's `actions`, the CLI's
/// subcommands and the DBA functions. All but `invite` are the admin API's `?action=` values
/// (`portal.do_client_action`).
public enum ClientAction: String, Sendable, CaseIterable, Codable {
    /// Create the portal user and mail its activation link: the one action in state `none`. It is
    /// a case here because a status lists it (the CRM renders its button from `actions`), but it
    /// is no `?action=`: an invite carries an address (the admin API's POST without `action`,
    /// `admin invite`, `portal_api.invite`), so `onPortalUser` leaves it out.
    case invite
    case resend
    case disable
    case enable
    case unlock
    case revokeSessions = "revoke-sessions"
    /// A reset link for an active user (a fresh activation link for one still invited), for a
    /// client on the phone: the admin API's, limited per user (`send_reset_user`).
    case sendReset = "send-reset"

    /// The actions on an existing portal user: the `?action=` values, one DBA function each.
    public static let onPortalUser: [ClientAction] = allCases.filter { $0 != .invite }

    /// `resend, disable, enable, unlock, revoke-sessions, send-reset`: the `?action=` values.
    public static var list: String { onPortalUser.map(\.rawValue).joined(separator: ", ") }
}

/// The portal's pages: served by the gateway, linked from mails, in one place.
public enum PortalPaths {
    public static let home = "/portal"
    public static let login = "/portal/login"
    public static let forgotPassword = "/portal/forgot-password"
    public static let activate = "/portal/activate"
    public static let resetPassword = "/portal/reset-password"
    public static let confirmEmail = "/portal/confirm-email"

    /// The link mailed for a token: the token rides in the fragment, so a GET (a mail scanner's
    /// prefetch) consumes nothing and no access log or Referer sees it. `language` (the mail's)
    /// rides in the query: the page opens in the language the mail was written in, which the
    /// page could not otherwise know before its visitor signs in.
    public static func link(baseURL: String, type: TokenType, rawToken: String, language: String? = nil) -> String {
        "\(baseURL)\(type.pagePath)\(language.map { "?lang=\($0)" } ?? "")#token=\(rawToken)"
    }
}
