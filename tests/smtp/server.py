"""A real SMTP server on loopback for statuspress's send tests (aiosmtpd).

    python server.py MODE PORT MAILDIR CERT KEY [FAULT]

MODE: `starttls` (STARTTLS required, AUTH required), `tls` (implicit TLS, AUTH required),
`plain` (no TLS offered, no AUTH). The account is `qa` / `s3cret-pass`. Recipients whose
address contains "reject" are refused with 550. Each accepted message is stored as
MAILDIR/<n>.eml with MAILDIR/<n>.rcpt holding its envelope recipients; every RCPT the
server sees is appended to MAILDIR/attempts.log, one address a line, and every login (AUTH)
to MAILDIR/logins.log, one user name a line.

FAULT, a server failing on purpose (default `none`):
  `fail-data-once`  drops the connection after the first message's data for each recipient,
                    before storing or answering it; accepts the next attempt
  `greylist`        answers 451 to the first RCPT of each recipient, then accepts
  `tempfail`        answers 451 to every RCPT
  `hang`            accepts connections and never says a word (MODE is ignored)
  `slow`            takes half a second to answer each message's data (runs at once overlap)

Prints `ready` once listening, then serves until killed.
"""

import asyncio
import os
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = b"qa", b"s3cret-pass"


class Handler:
    def __init__(self, maildir, fault):
        self.maildir = maildir
        self.fault = fault
        self.count = 0
        self.failed_once = set()

    def first_time(self, key):
        """True the first time `key` is seen; remembers it."""
        new = key not in self.failed_once
        self.failed_once.add(key)
        return new

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with open(os.path.join(self.maildir, "attempts.log"), "a") as f:
            f.write(address + "\n")
        if "reject" in address:
            return "550 5.1.1 <%s>: Recipient address rejected: mailbox unavailable" % address
        if self.fault == "tempfail" or (self.fault == "greylist" and self.first_time(address)):
            return "451 4.7.1 <%s>: Recipient address rejected: greylisted, try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.fault == "slow":
            await asyncio.sleep(0.5)
        if self.fault == "fail-data-once" and self.first_time(tuple(envelope.rcpt_tos)):
            server.transport.close()  # the reply below goes nowhere: the client sees the line drop
            return "250 2.0.0 never sent"
        self.count += 1
        base = os.path.join(self.maildir, "%04d" % self.count)
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        with open(base + ".rcpt", "w") as f:
            f.write("\n".join(envelope.rcpt_tos))
        return "250 2.0.0 Message accepted for delivery"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        login = auth_data.login.decode(errors="replace") if isinstance(auth_data, LoginPassword) else "?"
        with open(os.path.join(self.maildir, "logins.log"), "a") as f:
            f.write(login + "\n")
        return check(auth_data)


def check(auth_data):
    if isinstance(auth_data, LoginPassword) and auth_data.login == USER and auth_data.password == PASSWORD:
        return AuthResult(success=True)
    return AuthResult(success=False, handled=False)


async def hang(port):
    """A server that accepts connections and never answers: clients must time out."""

    async def silent(reader, writer):
        await reader.read()  # until the client gives up and closes
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", port)
    print("ready", flush=True)
    await server.serve_forever()


def main():
    mode, port, maildir, cert, key = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
    fault = sys.argv[6] if len(sys.argv) > 6 else "none"
    if fault not in ("none", "fail-data-once", "greylist", "tempfail", "hang", "slow"):
        sys.exit("unknown FAULT " + fault)
    os.makedirs(maildir, exist_ok=True)
    if fault == "hang":
        asyncio.run(hang(port))
        return
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    handler = Handler(maildir, fault)
    common = dict(hostname="127.0.0.1", port=port)
    if mode == "starttls":
        controller = Controller(handler, tls_context=context, require_starttls=True, authenticator=handler.authenticate,
                                auth_required=True, auth_require_tls=True, **common)
    elif mode == "tls":
        controller = Controller(handler, ssl_context=context, authenticator=handler.authenticate, auth_required=True,
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
