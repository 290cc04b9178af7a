#!/usr/bin/env python3
"""The newsletter end to end, with real peers: an arabpress site sends breaking news to
several thousand subscribers through a local SMTP sink (aiosmtpd) while the delivering
process is killed (SIGKILL) twice at random moments and started again. Checks:

* every subscriber receives the message exactly once (none twice, none skipped), and a
  refused address is recorded as bounced;
* messages parse with Python's email package and carry From, To, Date, Message-ID,
  List-Unsubscribe (https) and List-Unsubscribe-Post, as multipart/alternative with a
  text and an HTML part, the HTML right-to-left for Arabic;
* the DKIM signature verifies (dkimpy) against the public key.

Usage: check.py BINARY [SUBSCRIBERS]
"""
import atexit
import email
import email.policy
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
import sink as sinkmod  # noqa: E402

BINARY = os.path.abspath(sys.argv[1])
N = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {what}")
    else:
        failed += 1
        print(f"FAIL {what}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(args, env, **kw):
    return subprocess.run([BINARY, *args], env=env, capture_output=True, text=True,
                          timeout=kw.pop("timeout", 300), **kw)


def main():
    sink, controller, smtp_port = sinkmod.start()
    work = tempfile.mkdtemp(prefix="arabpress-mail-")
    # Kept after a failure, to read the worker's log; removed otherwise.
    atexit.register(lambda: failed or shutil.rmtree(work, ignore_errors=True))
    data = os.path.join(work, "data")
    key = os.path.join(work, "dkim.pem")
    subprocess.run(["openssl", "genrsa", "-traditional", "-out", key, "2048"],
                   check=True, capture_output=True)
    pub = subprocess.run(["openssl", "rsa", "-in", key, "-pubout", "-outform", "DER"],
                         check=True, capture_output=True).stdout
    import base64
    dns_txt = b"v=DKIM1; k=rsa; p=" + base64.b64encode(pub)
    env = dict(os.environ,
               ARABPRESS_BASE_URL="https://arabpress.test",
               ARABPRESS_MAIL_TRANSPORT="smtp",
               ARABPRESS_SMTP_HOST="127.0.0.1",
               ARABPRESS_SMTP_PORT=str(smtp_port),
               ARABPRESS_SMTP_SECURITY="none",
               ARABPRESS_MAIL_FROM="Arab Press <newsletter@arabpress.test>",
               ARABPRESS_MAIL_PER_SECOND="0",
               ARABPRESS_MAIL_CONNECTIONS="4",
               ARABPRESS_MAIL_LEASE_SECONDS="10",
               ARABPRESS_DIGEST_HOUR="-1",
               RUST_LOG="warn")
    conf = os.path.join(work, "arabpress.toml")
    with open(conf, "w") as f:
        f.write(f'[mail]\ndkim_domain = "arabpress.test"\ndkim_selector = "news"\n'
                f'dkim_key_file = "{key}"\n')
    env["ARABPRESS_CONFIG"] = conf

    # A site with content: the demo, served just long enough to load it.
    port = free_port()
    demo = subprocess.Popen([BINARY, "demo", "--data", data, "--listen", f"127.0.0.1:{port}"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    html = ""
    for _ in range(150):
        try:
            html = urllib.request.urlopen(f"http://127.0.0.1:{port}/ar/", timeout=2).read().decode()
            break
        except OSError:
            time.sleep(0.2)
    demo.send_signal(signal.SIGTERM)
    demo.wait(timeout=30)
    slug = re.search(r'href="/ar/article/([^"]+)"', html).group(1)
    slug = urllib.parse.unquote(slug)

    # Subscribers: N readers of Arabic breaking news, one address that bounces, and
    # readers of other lists who must get nothing.
    csv = os.path.join(work, "subscribers.csv")
    with open(csv, "w") as f:
        f.write("email,langs,lists\n")
        for i in range(N):
            f.write(f"reader{i}@example.org,{'both' if i % 3 == 0 else 'ar'},breaking digest\n")
        f.write("bounce@example.org,ar,breaking\n")
        for i in range(20):
            f.write(f"english{i}@example.org,en,breaking\n")
            f.write(f"digestonly{i}@example.org,ar,digest\n")
    r = run(["newsletter", "--data", data, "import", csv], env)
    check(r.returncode == 0 and f"{N + 41} subscribers added" in r.stdout, f"import: {r.stdout.strip()} {r.stderr[-300:]}")
    r = run(["newsletter", "--data", data, "breaking", "--lang", "ar", slug], env)
    check(r.returncode == 0 and f"queued for {N + 1} subscribers" in r.stdout, f"breaking news queued: {r.stdout.strip()} {r.stderr[-300:]}")

    # Deliver, killing the worker twice at random moments.
    seed = int(os.environ.get("ARABPRESS_MAIL_SEED", time.time()))
    print(f"   kill moments from seed {seed} (ARABPRESS_MAIL_SEED={seed} replays them)", flush=True)
    rng = random.Random(seed)
    kills = []
    for round_ in range(2):
        target = sink.total + rng.randint(N // 10, N // 4)
        p = subprocess.Popen([BINARY, "newsletter", "--data", data, "deliver"], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 120
        while sink.total < target and p.poll() is None and time.time() < deadline:
            time.sleep(0.002 * rng.random())
        p.send_signal(signal.SIGKILL)
        p.wait()
        kills.append(sink.total)
    print(f"killed the worker with SIGKILL after {kills[0]} and {kills[1]} messages")
    started = time.time()
    r = run(["newsletter", "--data", data, "deliver", "--until-empty"], env, timeout=600)
    print(f"restarted worker: {r.stdout.strip()} ({time.time() - started:.1f} s, waiting out the dead workers' leases)")
    check(r.returncode == 0, f"the last worker finishes {r.stderr[-500:]}")

    expected = {f"reader{i}@example.org" for i in range(N)}
    got = sink.count
    twice = [a for a, n in got.items() if n > 1]
    missing = [a for a in expected if got[a] == 0]
    extra = [a for a in got if a not in expected]
    check(not twice, f"nobody received the message twice ({len(twice)} did: {twice[:5]})")
    check(not missing, f"nobody was skipped ({len(missing)} were: {missing[:5]})")
    check(not extra, f"nobody else received it ({extra[:5]})")
    check(sink.total == N, f"the sink accepted {sink.total} messages for {N} subscribers")
    r = run(["newsletter", "--data", data, "status"], env)
    check(f"sent {N} failed 0 bounced 1" in r.stdout, f"status: {r.stdout.strip()}")

    # The messages themselves.
    import dkim
    for raw in sink.samples[:20]:
        m = email.message_from_bytes(raw, policy=email.policy.default)
        for h in ["From", "To", "Date", "Message-ID", "List-Unsubscribe", "List-Unsubscribe-Post"]:
            if not m[h]:
                check(False, f"{h} present")
                break
        else:
            pass
    m = email.message_from_bytes(sink.samples[0], policy=email.policy.default)
    check(all(m[h] for h in ["From", "To", "Date", "Message-ID"]), "From, To, Date and Message-ID")
    check(re.fullmatch(r"<https://arabpress\.test/ar/newsletter/unsubscribe\?t=[0-9]+\.[0-9a-f]{32}>", str(m["List-Unsubscribe"])) is not None,
          f"List-Unsubscribe is an https address: {m['List-Unsubscribe']}")
    check(str(m["List-Unsubscribe-Post"]) == "List-Unsubscribe=One-Click", "List-Unsubscribe-Post: List-Unsubscribe=One-Click")
    check(m.get_content_type() == "multipart/alternative", f"multipart/alternative ({m.get_content_type()})")
    kinds = [p.get_content_type() for p in m.iter_parts()]
    check(kinds == ["text/plain", "text/html"], f"text then HTML parts: {kinds}")
    body_html = m.get_body(("html",)).get_content()
    body_text = m.get_body(("plain",)).get_content()
    check('<html lang="ar" dir="rtl">' in body_html, "the HTML part is Arabic, right to left")
    check("style=" in body_html and "<table" in body_html, "the HTML uses tables and inline styles")
    check("https://arabpress.test/ar/newsletter/unsubscribe?t=" in body_text, "the text part carries the unsubscribe link")
    ok = all(dkim.verify(raw, dnsfunc=lambda name, timeout=5: dns_txt if name == b"news._domainkey.arabpress.test." else None)
             for raw in sink.samples[:20])
    check(ok, "the DKIM signatures verify")
    check("DKIM-Signature" in m and "d=arabpress.test" in str(m["DKIM-Signature"]), "signed for arabpress.test")

    controller.stop()
    print(f"\nmail checks: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    import urllib.parse  # noqa: F401
    main()
