#!/usr/bin/env bash
# Prints the link of the newest mail that has one in the dev mail folder (.run/mail, or $MAIL_DIR):
# after a reset the newest mail is the password-changed notice, which carries no link.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${MAIL_DIR:-$PWD/.run/mail}"
ls "$dir"/*.eml >/dev/null 2>&1 || { echo "no mail in $dir yet" >&2; exit 1; }
python3 - "$dir" <<'PY'
import email, glob, os, re, sys
files = sorted(glob.glob(os.path.join(sys.argv[1], "*.eml")), key=os.path.getmtime, reverse=True)
for path in files:
    with open(path) as handle:
        message = email.message_from_file(handle)
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            found = re.search(r"https?://\S+?#token=[A-Za-z0-9_-]{43}", part.get_payload(decode=True).decode())
            if found:
                print(found.group(0))
                sys.exit(0)
sys.exit("no mail in %s carries a link yet" % sys.argv[1])
PY
