/// One catalogue message in the subset of ICU MessageFormat the portal uses:
///
/// - text, with ICU's apostrophe rule (`''` is one `'`; `'{`…`'` quotes braces; any other `'`
///   is just an apostrophe, so `l'adresse` needs nothing);
/// - `{name}`: an argument's value;
/// - `{name, plural, one {…} few {…} other {…}}` with `=N` exact matches and `#` for the number;
/// - `{name, select, a {…} other {…}}`.
///
/// Every `plural` and `select` needs an `other`. Formatting returns plain text: escaping is the
/// template's job, and `pieces` leaves chosen arguments for the template to render (a link).
public struct MessageFormat: Sendable, Equatable {
    /// A message that does not parse; `offset` counts characters from the start.
    public struct SyntaxError: Error, Equatable, CustomStringConvertible {
        public let reason: String
        public let offset: Int
        public var description: String { "\(reason) at character \(offset)" }
    }

    indirect enum Node: Sendable, Equatable {
        case text(String)
        case argument(String)
        case plural(String, [String: [Node]])
        case select(String, [String: [Node]])
        case number
    }

    /// Characters a message may have; a longer one is refused (a marina's override is input too).
    public static let maximumLength = 8192
    /// Nesting of `plural`/`select` inside each other.
    public static let maximumDepth = 4

    let nodes: [Node]

    /// Parses `pattern`.
    public init(_ pattern: String) throws(SyntaxError) {
        var parser = Parser(Array(pattern))
        guard parser.characters.count <= Self.maximumLength else {
            throw SyntaxError(
                reason: "message longer than \(Self.maximumLength) characters", offset: Self.maximumLength)
        }
        nodes = try parser.message(depth: 0, inPlural: false)
        if parser.position < parser.characters.count {
            throw SyntaxError(reason: "'}' without a matching '{'", offset: parser.position)
        }
    }

    /// The names of every argument the message uses (plural and select arguments included).
    public var argumentNames: Set<String> {
        var names = Set<String>()
        func walk(_ nodes: [Node]) {
            for node in nodes {
                switch node {
                case .argument(let name): names.insert(name)
                case .plural(let name, let cases), .select(let name, let cases):
                    names.insert(name)
                    cases.values.forEach(walk)
                case .text, .number: break
                }
            }
        }
        walk(nodes)
        return names
    }

    /// Each `plural` in the message: its argument and the selectors it writes (`one`, `=0`, …).
    public var plurals: [(argument: String, selectors: Set<String>)] {
        var found: [(String, Set<String>)] = []
        func walk(_ nodes: [Node]) {
            for node in nodes {
                switch node {
                case .plural(let name, let cases):
                    found.append((name, Set(cases.keys)))
                    cases.values.forEach(walk)
                case .select(_, let cases): cases.values.forEach(walk)
                case .text, .argument, .number: break
                }
            }
        }
        walk(nodes)
        return found
    }

    /// The message as plain text in `language` (which picks the plural forms). A missing argument
    /// is left as `{name}`, so a gap shows instead of vanishing.
    public func format(_ arguments: [String: MessageArgument] = [:], language: String) -> String {
        pieces(arguments, language: language, keep: []).map {
            switch $0 {
            case .text(let text): text
            case .argument(let name): arguments[name]?.text ?? "{\(name)}"
            }
        }.joined()
    }

    /// The message as text pieces and, for each argument named in `keep`, an `.argument` piece
    /// in its place, for the caller to render itself (a `mailto:` link in an HTML mail).
    public func pieces(_ arguments: [String: MessageArgument] = [:], language: String, keep: Set<String>)
        -> [MessagePiece]
    {
        var pieces: [MessagePiece] = []
        func append(_ text: String) {
            if case .text(let previous) = pieces.last {
                pieces[pieces.count - 1] = .text(previous + text)
            } else if !text.isEmpty {
                pieces.append(.text(text))
            }
        }
        func walk(_ nodes: [Node], number: String?) {
            for node in nodes {
                switch node {
                case .text(let text): append(text)
                case .number: append(number ?? "#")
                case .argument(let name):
                    if keep.contains(name) {
                        pieces.append(.argument(name))
                    } else {
                        append(arguments[name]?.text ?? "{\(name)}")
                    }
                case .plural(let name, let cases):
                    let value = arguments[name]
                    let count = value?.integer
                    let branch =
                        count.flatMap { cases["=\($0)"] }
                        ?? count.flatMap { cases[PluralRules.category(of: $0, language: language)] }
                        ?? cases["other"] ?? []
                    walk(branch, number: value?.text ?? "{\(name)}")
                case .select(let name, let cases):
                    walk(arguments[name].flatMap { cases[$0.text] } ?? cases["other"] ?? [], number: number)
                }
            }
        }
        walk(nodes, number: nil)
        return pieces
    }

    /// A recursive-descent parser over the message's characters.
    struct Parser {
        let characters: [Character]
        var position = 0

        init(_ characters: [Character]) { self.characters = characters }

        private var current: Character? { position < characters.count ? characters[position] : nil }

        private func error(_ reason: String) -> SyntaxError { SyntaxError(reason: reason, offset: position) }

        /// Text and arguments up to an unmatched `}` (left for the caller) or the end.
        mutating func message(depth: Int, inPlural: Bool) throws(SyntaxError) -> [Node] {
            var nodes: [Node] = []
            var text = ""
            func flush() {
                if !text.isEmpty { nodes.append(.text(text)) }
                text = ""
            }
            while let character = current {
                switch character {
                case "'":
                    position += 1
                    guard let next = current else {
                        text.append("'")
                        continue
                    }
                    if next == "'" {
                        text.append("'")
                        position += 1
                    } else if next == "{" || next == "}" || (inPlural && next == "#") {
                        // Quoted literal text up to the next lone apostrophe.
                        while let quoted = current {
                            position += 1
                            if quoted == "'" {
                                if current == "'" {
                                    text.append("'")
                                    position += 1
                                } else {
                                    break
                                }
                            } else {
                                text.append(quoted)
                            }
                        }
                    } else {
                        text.append("'")
                    }
                case "{":
                    flush()
                    position += 1
                    nodes.append(try argument(depth: depth))
                case "}":
                    flush()
                    return nodes
                case "#" where inPlural:
                    flush()
                    nodes.append(.number)
                    position += 1
                default:
                    text.append(character)
                    position += 1
                }
            }
            flush()
            return nodes
        }

        /// After `{`: `name}`, `name, plural, …}` or `name, select, …}`.
        private mutating func argument(depth: Int) throws(SyntaxError) -> Node {
            skipSpace()
            let name = identifier()
            guard !name.isEmpty else { throw error("an argument needs a name (letters, digits, _)") }
            skipSpace()
            if current == "}" {
                position += 1
                return .argument(name)
            }
            guard current == "," else { throw error("expected '}' or ',' after argument '\(name)'") }
            position += 1
            skipSpace()
            let type = identifier()
            guard type == "plural" || type == "select" else {
                throw error("argument '\(name)': only plural and select are supported, not '\(type)'")
            }
            guard depth < MessageFormat.maximumDepth else { throw error("plural/select nested too deeply") }
            skipSpace()
            guard current == "," else { throw error("expected ',' after '\(type)'") }
            position += 1
            var cases: [String: [Node]] = [:]
            while true {
                skipSpace()
                guard let character = current else { throw error("argument '\(name)' is not closed with '}'") }
                if character == "}" {
                    position += 1
                    break
                }
                var selector = ""
                if character == "=", type == "plural" {
                    position += 1
                    selector = "=" + digits()
                    guard selector.count > 1 else { throw error("'=' needs a number") }
                } else {
                    selector = identifier()
                    guard !selector.isEmpty else { throw error("expected a selector in argument '\(name)'") }
                }
                guard cases[selector] == nil else { throw error("selector '\(selector)' appears twice") }
                skipSpace()
                guard current == "{" else { throw error("expected '{' after selector '\(selector)'") }
                position += 1
                cases[selector] = try message(depth: depth + 1, inPlural: type == "plural")
                guard current == "}" else { throw error("the '\(selector)' form is not closed with '}'") }
                position += 1
            }
            guard cases["other"] != nil else { throw error("argument '\(name)' needs an 'other' form") }
            return type == "plural" ? .plural(name, cases) : .select(name, cases)
        }

        private mutating func skipSpace() {
            while let character = current, character.isWhitespace { position += 1 }
        }

        private mutating func identifier() -> String {
            var name = ""
            while let character = current, character.isASCII,
                character.isLetter || character.isNumber || character == "_"
            {
                name.append(character)
                position += 1
            }
            return name
        }

        private mutating func digits() -> String {
            var number = ""
            while let character = current, character.isASCII, character.isNumber, number.count < 9 {
                number.append(character)
                position += 1
            }
            return number
        }
    }
}

/// A value for a message argument: text, or a whole number (which `plural` needs).
public enum MessageArgument: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    case text(String)
    case number(Int)

    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int) { self = .number(value) }

    /// The value as written into the message (a number in plain decimal digits).
    public var text: String {
        switch self {
        case .text(let text): text
        case .number(let number): String(number)
        }
    }

    /// The value as a whole number, if it is one.
    public var integer: Int? {
        switch self {
        case .number(let number): number
        case .text(let text): Int(text)
        }
    }
}

/// A formatted message, in pieces: plain text, or an argument left for the caller to render.
public enum MessagePiece: Sendable, Equatable {
    case text(String)
    case argument(String)
}

/// CLDR plural categories for whole numbers (CLDR 44 `plurals.xml`, the integer cases only: the
/// portal counts characters, seconds, minutes, hours and days).
public enum PluralRules {
    /// The categories a language's whole numbers fall into: what a translator must write.
    /// `many` (a million in French, Spanish, Italian) falls back to `other` when not written.
    public static func requiredCategories(language: String) -> Set<String> {
        switch base(language) {
        case "hr", "bs", "sr": ["one", "few", "other"]
        default: ["one", "other"]
        }
    }

    /// The category of `n` in `language` (its first subtag decides). A language without a rule
    /// here gets English's (`one` for 1).
    public static func category(of n: Int, language: String) -> String {
        let i = n.magnitude
        switch base(language) {
        case "fr":
            if i == 0 || i == 1 { return "one" }
            return i % 1_000_000 == 0 ? "many" : "other"
        case "es", "it":
            if i == 1 { return "one" }
            return i != 0 && i % 1_000_000 == 0 ? "many" : "other"
        case "hr", "bs", "sr":
            if i % 10 == 1 && i % 100 != 11 { return "one" }
            if (2...4).contains(i % 10) && !(12...14).contains(i % 100) { return "few" }
            return "other"
        default:
            // en, de, nl, el, da, sv and the rest of the one/other languages: one for 1.
            return i == 1 ? "one" : "other"
        }
    }

    private static func base(_ language: String) -> Substring {
        language.prefix { $0 != "-" }
    }
}
