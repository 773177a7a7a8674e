#!/usr/bin/env bash
# Prints the link of the newest mail in the dev mail folder (.run/mail, or $MAIL_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${MAIL_DIR:-$PWD/.run/mail}"
file=$(ls -t "$dir"/*.eml 2>/dev/null | head -1)
[ -n "$file" ] || { echo "no mail in $dir yet" >&2; exit 1; }
python3 - "$file" <<'PY'
import email, re, sys
message = email.message_from_file(open(sys.argv[1]))
for part in message.walk():
    if part.get_content_type() == "text/plain":
        found = re.search(r"https?://\S+#token=[A-Za-z0-9_-]{43}", part.get_payload(decode=True).decode())
        if found:
            print(found.group(0))
            sys.exit(0)
sys.exit("the newest mail has no link (a password_changed notice?)")
PY
