"""A real SMTP server on loopback for statuspress's send tests (aiosmtpd).

    python server.py MODE PORT MAILDIR CERT KEY

MODE: `starttls` (STARTTLS required, AUTH required), `tls` (implicit TLS, AUTH required),
`plain` (no TLS offered, no AUTH). The account is `qa` / `s3cret-pass`. Recipients whose
address contains "reject" are refused with 550. Each accepted message is stored as
MAILDIR/<n>.eml with MAILDIR/<n>.rcpt holding its envelope recipients. Prints `ready`
once listening, then serves until killed.
"""

import asyncio
import os
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = b"qa", b"s3cret-pass"


class Handler:
    def __init__(self, maildir):
        self.maildir = maildir
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if "reject" in address:
            return "550 5.1.1 <%s>: Recipient address rejected: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.maildir, "%04d" % self.count)
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        with open(base + ".rcpt", "w") as f:
            f.write("\n".join(envelope.rcpt_tos))
        return "250 2.0.0 Message accepted for delivery"


def authenticate(server, session, envelope, mechanism, auth_data):
    if isinstance(auth_data, LoginPassword) and auth_data.login == USER and auth_data.password == PASSWORD:
        return AuthResult(success=True)
    return AuthResult(success=False, handled=False)


def main():
    mode, port, maildir, cert, key = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
    os.makedirs(maildir, exist_ok=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    handler = Handler(maildir)
    common = dict(hostname="127.0.0.1", port=port)
    if mode == "starttls":
        controller = Controller(handler, tls_context=context, require_starttls=True, authenticator=authenticate,
                                auth_required=True, auth_require_tls=True, **common)
    elif mode == "tls":
        controller = Controller(handler, ssl_context=context, authenticator=authenticate, auth_required=True,
                                auth_require_tls=False, **common)
    else:
        controller = Controller(handler, **common)
    controller.start()
    print("ready", flush=True)
    try:
        asyncio.get_event_loop().run_forever()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
