"""A local SMTP sink (aiosmtpd) that counts what it accepts, per recipient.

A message counts once the client has sent its final dot, as at an MTA (RFC 5321 §4.1.1.4:
the end of data completes the transaction); a connection dropped before the dot delivers
nothing. Plain aiosmtpd stops a session as soon as the client's side closes, even with a
whole message, dot included, still unread in its buffer, so a client killed right after
sending a dot would lose a message a real MTA keeps: the session class below reads what
was sent before ending. Recipients whose local part is `bounce` are refused for good (550)
at RCPT.
"""
import collections
import socket
import threading

import asyncio
import logging

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP


# A killed client's session ends with an incomplete read; that is the test, not an error.
logging.getLogger("mail.log").setLevel(logging.CRITICAL)


class FaithfulSMTP(SMTP):
    def eof_received(self):
        # Feed the end of input to the reader without cancelling the session: it handles
        # what is buffered, then meets the end of input and closes.
        return asyncio.StreamReaderProtocol.eof_received(self)


class FaithfulController(Controller):
    def factory(self):
        return FaithfulSMTP(self.handler, **self.SMTP_kwargs)


class Sink:
    def __init__(self, keep=50):
        self.lock = threading.Lock()
        self.count = collections.Counter()
        self.samples = []
        self.keep = keep
        self.total = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.split("@")[0] == "bounce":
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            for r in envelope.rcpt_tos:
                self.count[r.lower()] += 1
            self.total += 1
            if len(self.samples) < self.keep:
                self.samples.append(envelope.original_content or envelope.content)
        return "250 OK queued"


def start(port=0):
    """Starts a sink on 127.0.0.1 (on a free port unless given); returns (sink,
    controller, port)."""
    if not port:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
    sink = Sink()
    c = FaithfulController(sink, hostname="127.0.0.1", port=port, data_size_limit=10 << 20,
                   decode_data=False, ready_timeout=10)
    c.start()
    return sink, c, port
