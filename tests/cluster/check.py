#!/usr/bin/env python3
"""Three `arabpress serve` nodes on one PostgreSQL, on loopback ports:

1. sign in on node A; the same session cookie works on node B (sessions live in the database);
2. publish an article through node B's newsroom; poll node C until its home page and its
   search show it, and print the publish-to-visible delay (the target is under 1 second);
3. stop node C, publish another article on node B, start node C again: its search index
   catches up from the change feed before it serves;
4. media live in an S3-compatible bucket (a local moto server): an image uploaded through
   node A's newsroom is in the bucket, not on A's disk, and nodes B and C serve the same
   bytes for it; then an admin renames the site in node A's settings and node C's masthead
   shows the new name (the delay is printed; the target is under 1 second);
5. send breaking news to 2,000 subscribers from node B's newsroom: the three nodes deliver
   it together through a local SMTP sink (aiosmtpd); node A is killed with SIGKILL halfway;
   every subscriber still gets the message exactly once.

Usage: check.py BINARY POSTGRES_URL (a server URL whose user may create databases).
Prints "N passed, M failed" and exits non-zero on any failure. Every process it starts is
stopped at the end; the database it creates is dropped.
"""
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "mail"))
import sink as sinkmod  # noqa: E402

binary, pg_url = sys.argv[1], sys.argv[2]
sink, smtp, smtp_port = sinkmod.start()
BUCKET = "arabpress-media"
passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name}" + (f"\n     {detail}" if detail else ""))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def psql(sql):
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", pg_url, "-c", sql], check=True,
                   stdout=subprocess.DEVNULL)


db = f"arabpress_cluster_{os.getpid()}"
base = pg_url.rsplit("/", 1)[0]
db_url = f"{base}/{db}"
work = tempfile.mkdtemp(prefix="arabpress-cluster-")
nodes = {}


def start_s3():
    """A local S3-compatible server (moto) with an empty bucket."""
    port = free_port()
    log = open(os.path.join(work, "s3.log"), "a")
    proc = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            req = urllib.request.Request(f"{url}/{BUCKET}", method="PUT")
            urllib.request.urlopen(req, timeout=2)
            return proc, url
        except (urllib.error.URLError, ConnectionError, OSError):
            if proc.poll() is not None or time.time() > deadline:
                raise SystemExit(f"the S3 server did not start: see {work}/s3.log")
            time.sleep(0.2)


def bucket_keys():
    with urllib.request.urlopen(f"{s3_url}/{BUCKET}?list-type=2", timeout=10) as r:
        return re.findall(r"<Key>([^<]+)</Key>", r.read().decode())


def png(width, height):
    """An RGB PNG with a gradient, made without any imaging library."""
    rows = b"".join(b"\0" + b"".join(bytes((x * 255 // width, y * 255 // height, 120)) for x in range(width))
                    for y in range(height))

    def chunk(kind, data):
        return (len(data).to_bytes(4, "big") + kind + data
                + zlib.crc32(kind + data).to_bytes(4, "big"))
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes((8, 2, 0, 0, 0))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


def env_for(name):
    e = dict(os.environ)
    e.update({"ARABPRESS_DATABASE_URL": db_url, "ARABPRESS_DATA_DIR": os.path.join(work, name),
              "RUST_LOG": "warn", "RUST_BACKTRACE": "0",
              "ARABPRESS_MAIL_TRANSPORT": "smtp", "ARABPRESS_SMTP_HOST": "127.0.0.1",
              "ARABPRESS_SMTP_PORT": str(smtp_port), "ARABPRESS_SMTP_SECURITY": "none",
              "ARABPRESS_MAIL_FROM": "Arab Press <newsletter@arabpress.test>",
              "ARABPRESS_MAIL_PER_SECOND": "0", "ARABPRESS_MAIL_CONNECTIONS": "2",
              "ARABPRESS_MAIL_LEASE_SECONDS": "10", "ARABPRESS_DIGEST_HOUR": "-1",
              "ARABPRESS_MEDIA_STORE": "s3", "ARABPRESS_S3_BUCKET": BUCKET,
              "ARABPRESS_S3_ENDPOINT": s3_url, "ARABPRESS_S3_ALLOW_HTTP": "true",
              # The bucket's server runs on this machine: outbound requests to it are allowed.
              "ARABPRESS_ALLOW_PRIVATE_NETWORK": "1",
              "ARABPRESS_S3_ACCESS_KEY_ID": "cluster", "ARABPRESS_S3_SECRET_ACCESS_KEY": "cluster-secret"})
    return e


def start(name, command="serve", extra=()):
    port = nodes.get(name, {}).get("port") or free_port()
    log = open(os.path.join(work, f"{name}.log"), "a")
    p = subprocess.Popen([binary, command, "--listen", f"127.0.0.1:{port}", *extra],
                         env=env_for(name), stdout=log, stderr=log)
    nodes[name] = {"port": port, "proc": p}
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return f"http://127.0.0.1:{port}"
        except (urllib.error.URLError, ConnectionError, OSError):
            if p.poll() is not None:
                raise SystemExit(f"node {name} exited: see {work}/{name}.log")
            time.sleep(0.2)
    raise SystemExit(f"node {name} did not start")


def stop(name):
    p = nodes[name]["proc"]
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


jar = http.cookiejar.CookieJar()
browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)


def fetch(url, data=None, headers=None):
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with browser.open(req, timeout=30) as r:
            return r.status, r.read().decode(), r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(), e.headers


def text_of(html):
    """The words of a page, without markup (search highlights split headlines)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.split("<main", 1)[-1]))


def csrf_of(html):
    m = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    return m.group(1) if m else ""


def multipart(fields, image=None):
    boundary = "----arabpress-cluster"
    out = []
    for k, v in fields:
        out.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode())
    if image is not None:
        out.append(f'--{boundary}\r\nContent-Disposition: form-data; name="image_file"; filename="photo.png"\r\n'
                   f"Content-Type: image/png\r\n\r\n".encode() + image + b"\r\n")
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out), f"multipart/form-data; boundary={boundary}"


def publish(node_url, headline, body, image=None):
    status, page, _ = fetch(f"{node_url}/admin/articles/new")
    data, ctype = multipart([
        ("csrf", csrf_of(page)), ("version", "0"), ("lang", "en"), ("headline", headline),
        ("standfirst", "Filed from the cluster check."), ("body", body), ("kind", "news"),
        ("section", "economy"), ("tags", "Cluster"), ("author", "omar-khatib"), ("action", "publish"),
    ] + ([("image_alt", "A gradient")] if image else []), image)
    started = time.monotonic()
    status, body_out, headers = fetch(f"{node_url}/admin/articles", data, {"Content-Type": ctype})
    return status, headers.get("Location", ""), started


s3, s3_url = start_s3()
try:
    psql(f'CREATE DATABASE "{db}"')
    a = start("a", "demo")  # loads the demo content into the new database, then serves
    b = start("b")
    c = start("c")
    password = "cluster check password"
    subprocess.run([binary, "user", "add", "--email", "cluster@arabpress.example", "--name", "Cluster",
                    "--role", "editor", "--password-stdin"], input=password.encode(), env=env_for("a"),
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run([binary, "user", "add", "--email", "settings@arabpress.example", "--name", "Settings",
                    "--role", "admin", "--password-stdin"], input=password.encode(), env=env_for("a"),
                   check=True, stdout=subprocess.DEVNULL)

    # 1. Sign in on A; the session works on B.
    status, page, _ = fetch(f"{a}/admin/login?lang=en")
    form = urllib.parse.urlencode({"csrf": csrf_of(page), "email": "cluster@arabpress.example",
                                   "password": password, "lang": "en"}).encode()
    status, _, headers = fetch(f"{a}/admin/login", form, {"Content-Type": "application/x-www-form-urlencoded"})
    check("sign in on node A", status == 303 and headers.get("Location") == "/admin", f"{status}")
    status, page, _ = fetch(f"{b}/admin")
    check("the session from node A works on node B", status == 200 and "Cluster" in page, f"{status}")

    # 2. Publish on B, read on C.
    for lang in ("en", "ar"):
        fetch(f"{c}/{lang}/")  # C has the home pages cached
    headline = f"Cluster desalination report {os.getpid()}"
    status, location, started = publish(b, headline, "A desalination plant opened on the coast.")
    check("publish through node B's newsroom", status == 303 and "/admin/articles/" in location, f"{status}")
    # Pages render from the shared database once their cache entry is dropped; search
    # answers from C's own index, updated when C reads the change feed. Time both.
    visible = found = None
    while time.monotonic() - started < 10 and (visible is None or found is None):
        if visible is None and headline in fetch(f"{c}/en/")[1]:
            visible = time.monotonic() - started
        if found is None and headline in text_of(fetch(f"{c}/en/search?q=desalination")[1]):
            found = time.monotonic() - started
        time.sleep(0.02)
    check("node C's home page shows it", visible is not None)
    check("node C's search index has it", found is not None)
    if visible is not None and found is not None:
        print(f"     publish on B → on C's home page: {visible * 1000:.0f} ms, in C's search: "
              f"{found * 1000:.0f} ms (target < 1000 ms)")
        check("visible on node C within 1 second", max(visible, found) < 1.0,
              f"{visible:.3f} s, {found:.3f} s")
    _, home_a, _ = fetch(f"{a}/en/")
    check("node A's home page shows it too", headline in home_a)

    # 3. Stop C, publish on B, start C: its index catches up before it serves.
    stop("c")
    later = f"Cluster solar tender {os.getpid()}"
    status, _, _ = publish(b, later, "A solar tender was awarded while node C was down.")
    check("publish on node B while node C is down", status == 303)
    c = start("c")
    _, results, _ = fetch(f"{c}/en/search?q=tender")
    check("restarted node C's index caught up from the change feed", later in text_of(results),
          text_of(results)[:400])

    # 4. Media in the bucket, shared by the nodes.
    before = set(bucket_keys())
    pictured = f"Cluster harbour photo {os.getpid()}"
    status, pictured_at, _ = publish(a, pictured, "A photograph of the harbour.", png(1200, 675))
    check("publish with an image through node A", status == 303, f"{status}")
    added = sorted(set(bucket_keys()) - before)
    check("the image and its copies are in the bucket", any(k.endswith("/original.png") for k in added)
          and any(k.endswith(".webp") for k in added), f"{added}")
    on_disk = [f for _, _, fs in os.walk(os.path.join(work, "a")) for f in fs if f.endswith((".png", ".webp", ".jpg"))]
    check("nothing was written to node A's disk", not on_disk, f"{on_disk[:5]}")
    _, edit_page, _ = fetch(f"{a}{pictured_at}")
    m = re.search(r'/media/([0-9a-f]{64})/(w\d+\.jpg)', edit_page)
    check("the newsroom names the image's address", m is not None)
    if m:
        served = {}
        for name, url in (("b", b), ("c", c)):
            req = urllib.request.Request(f"{url}{m.group(0)}")
            with urllib.request.urlopen(req, timeout=10) as r:
                served[name] = (r.status, r.headers.get("Content-Type"), r.read())
        check("nodes B and C serve the same image from the bucket",
              served["b"][0] == 200 and served["b"][1] == "image/jpeg" and served["b"] == served["c"]
              and served["b"][2][:3] == b"\xff\xd8\xff", f"{[(v[0], v[1], len(v[2])) for v in served.values()]}")

    # 4b. An admin renames the site on node A; node C's masthead shows it within a second.
    status, page, _ = fetch(f"{a}/admin/login?lang=en")
    form = urllib.parse.urlencode({"csrf": csrf_of(page), "email": "settings@arabpress.example",
                                   "password": password, "lang": "en"}).encode()
    fetch(f"{a}/admin/login", form, {"Content-Type": "application/x-www-form-urlencoded"})
    fetch(f"{c}/en/")  # C has the English home page cached
    renamed = f"Cluster Press {os.getpid()}"
    _, page, _ = fetch(f"{a}/admin/settings")
    data, ctype = multipart([("csrf", csrf_of(page)), ("name_en", renamed)])
    started = time.monotonic()
    status, _, headers = fetch(f"{a}/admin/settings", data, {"Content-Type": ctype})
    check("change the site name in node A's settings", status == 303, f"{status}")
    shown = None
    while time.monotonic() - started < 10 and shown is None:
        if f'class="site-name" href="/en/">{renamed}<' in fetch(f"{c}/en/")[1]:
            shown = time.monotonic() - started
        time.sleep(0.02)
    check("node C's masthead shows the new name", shown is not None)
    if shown is not None:
        print(f"     settings saved on A → C's masthead: {shown * 1000:.0f} ms (target < 1000 ms)")
        check("the new name is on node C within 1 second", shown < 1.0, f"{shown:.3f} s")

    # 5. Breaking news from node B, delivered by all three nodes; node A killed halfway.
    subscribers = 2000
    csv = os.path.join(work, "subscribers.csv")
    with open(csv, "w") as f:
        f.write("".join(f"reader{i}@example.org,both,breaking\n" for i in range(subscribers)))
    r = subprocess.run([binary, "newsletter", "import", csv], env=env_for("a"), capture_output=True, text=True)
    check("import the subscribers", f"{subscribers} subscribers added" in r.stdout, r.stdout + r.stderr[-300:])
    article = location.rsplit("/", 1)[-1].split("?")[0]
    _, page, _ = fetch(f"{b}/admin/articles/{article}")
    form = urllib.parse.urlencode({"csrf": csrf_of(page)}).encode()
    status, _, headers = fetch(f"{b}/admin/articles/{article}/breaking", form,
                               {"Content-Type": "application/x-www-form-urlencoded"})
    check("send breaking news from node B", status == 303 and "/admin/newsletter/sends/" in headers.get("Location", ""),
          f"{status}")
    deadline = time.time() + 60
    while sink.total < subscribers // 3 and time.time() < deadline:
        time.sleep(0.005)
    nodes["a"]["proc"].send_signal(signal.SIGKILL)
    nodes["a"]["proc"].wait()
    print(f"     node A killed with SIGKILL after {sink.total} messages")
    deadline = time.time() + 120
    while sink.total < subscribers and time.time() < deadline:
        time.sleep(0.2)
    time.sleep(1)
    twice = [a for a, n in sink.count.items() if n > 1]
    missing = [f"reader{i}@example.org" for i in range(subscribers) if sink.count[f"reader{i}@example.org"] == 0]
    check("every subscriber got the message once", not twice and not missing and sink.total == subscribers,
          f"{sink.total} accepted; twice: {twice[:5]}; missing: {missing[:5]}")
finally:
    for name in list(nodes):
        if nodes[name]["proc"].poll() is None:
            stop(name)
    try:
        psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    except subprocess.CalledProcessError:
        pass
    if failed == 0:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"logs in {work}")

smtp.stop()
s3.terminate()
print(f"{passed} passed, {failed} failed")
sys.exit(0 if failed == 0 else 1)
