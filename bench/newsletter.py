#!/usr/bin/env python3
"""See bench/newsletter.sh."""
import os
import re
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "mail"))
import sink as sinkmod  # noqa: E402

BINARY = os.path.abspath(sys.argv[1])
N = int(sys.argv[2])
CONNECTIONS = 4


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def site(env, work):
    data = os.path.join(work, "data")
    port = free_port()
    demo = subprocess.Popen([BINARY, "demo", "--data", data, "--listen", f"127.0.0.1:{port}"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    html = ""
    for _ in range(300):
        try:
            html = urllib.request.urlopen(f"http://127.0.0.1:{port}/ar/", timeout=2).read().decode()
            break
        except OSError:
            time.sleep(0.1)
    demo.send_signal(signal.SIGTERM)
    demo.wait(timeout=30)
    slug = urllib.parse.unquote(re.search(r'href="/ar/article/([^"]+)"', html).group(1))
    csv = os.path.join(work, "subscribers.csv")
    with open(csv, "w") as f:
        for i in range(N):
            f.write(f"reader{i}@example.org,ar,breaking\n")
    subprocess.run([BINARY, "newsletter", "--data", data, "import", csv], env=env, check=True,
                   capture_output=True)
    subprocess.run([BINARY, "newsletter", "--data", data, "breaking", "--lang", "ar", slug],
                   env=env, check=True, capture_output=True)
    return data


def deliver(label, sink, env, work):
    data = site(env, work)
    before = sink.total
    r = subprocess.run(["/usr/bin/time", "-v", BINARY, "newsletter", "--data", data, "deliver"],
                       env=env, capture_output=True, text=True, timeout=900)
    rate = float(re.search(r"\(([0-9.]+) messages/s\)", r.stdout).group(1))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr).group(1))
    got = sink.total - before
    print(f"arabpress {label:<13} {got} messages, {rate:8.0f} messages/s, peak memory {rss / 1024:.0f} MiB")
    return rate, sink.samples[-1] if sink.samples else None


def baseline(port, message):
    per = N // CONNECTIONS

    def worker(k):
        with smtplib.SMTP("127.0.0.1", port) as s:
            for i in range(per):
                s.sendmail("newsletter@arabpress.test", [f"base{k}-{i}@example.org"], message)

    t = [threading.Thread(target=worker, args=(k,)) for k in range(CONNECTIONS)]
    started = time.time()
    for x in t:
        x.start()
    for x in t:
        x.join()
    rate = per * CONNECTIONS / (time.time() - started)
    print(f"baseline (smtplib, {CONNECTIONS} connections, ready-made messages): {rate:8.0f} messages/s")
    return rate


def main():
    sink, controller, port = sinkmod.start()
    sink.keep = 1
    work = tempfile.mkdtemp(prefix="arabpress-bench-mail-")
    env = dict(os.environ, ARABPRESS_BASE_URL="https://arabpress.test", ARABPRESS_MAIL_TRANSPORT="smtp",
               ARABPRESS_SMTP_HOST="127.0.0.1", ARABPRESS_SMTP_PORT=str(port), ARABPRESS_SMTP_SECURITY="none",
               ARABPRESS_MAIL_FROM="Arab Press <newsletter@arabpress.test>", ARABPRESS_MAIL_PER_SECOND="0",
               ARABPRESS_MAIL_CONNECTIONS=str(CONNECTIONS), ARABPRESS_DIGEST_HOUR="-1", RUST_LOG="warn")
    print(f"one breaking-news send to {N} subscribers through a local aiosmtpd sink")
    plain, sample = deliver("without DKIM", sink, env, os.path.join(work, "plain"))
    key = os.path.join(work, "dkim.pem")
    subprocess.run(["openssl", "genrsa", "-traditional", "-out", key, "2048"], check=True, capture_output=True)
    conf = os.path.join(work, "arabpress.toml")
    with open(conf, "w") as f:
        f.write(f'[mail]\ndkim_domain = "arabpress.test"\ndkim_selector = "news"\ndkim_key_file = "{key}"\n')
    signed, _ = deliver("with DKIM", sink, dict(env, ARABPRESS_CONFIG=conf), os.path.join(work, "dkim"))
    base = baseline(port, sample)
    print(f"ratio against the baseline: {plain / base:.2f} (without DKIM), {signed / base:.2f} (with DKIM)")
    controller.stop()


if __name__ == "__main__":
    main()
