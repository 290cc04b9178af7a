#!/usr/bin/env python3
"""Soak: a mixed, bounded load on one node for MINUTES minutes, for bench/soak.sh.

Starts `BINARY demo` on a free loopback port, measures the peak (a short wrk run on a
cached article page), then runs at about half of it:

- wrk (paced per connection by a Lua `delay()`) sends the GET traffic: 80 parts cached
  pages (home, sections, articles), 10 parts uncached pages (searches with varying words,
  deep list pages), 4 parts feeds and sitemaps;
- a Python thread pool with keep-alive connections sends the rest: the content API (under
  its per-key rate limit), newsroom saves of drafts and publishes of new articles (signed
  in, with CSRF), newsletter sign-ups (under the per-address hourly limit), and a wire
  feed served from this process on loopback, polled from the newsroom every minute.

Every minute it prints the request rate, p99 latency, resident memory, open file
descriptors (the server's own, without the load's connections to it: the lowest and
highest of the minute, counted twice a second), database and WAL size; at the end a summary with the slopes after warm-up (descriptors: of the
minute's lowest count, which a leak raises and requests in flight do not), what the
descriptors were at the first and last floor and at the highest peak, and whether each
target held. Every loop is bounded in count and time; only 127.0.0.1.

Usage: soak.py BINARY [MINUTES] [--no-targets]
Exit status: 1 on any 5xx answer or connection error; with targets (the default) also
when a target was missed; 0 otherwise.
"""
import http.client
import http.cookiejar
import http.server
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

args = [a for a in sys.argv[1:] if not a.startswith("--")]
if not args:
    raise SystemExit(__doc__)
binary = os.path.abspath(args[0])
minutes = int(args[1]) if len(args) > 1 else 30
targets = "--no-targets" not in sys.argv
if not 1 <= minutes <= 24 * 60:
    raise SystemExit("MINUTES: from 1 to 1440")

# Bounded rates for the parts the site itself limits or a newsroom cannot reach.
API_PER_SECOND = 15  # the content API allows 20 a second per key
WRITES_PER_SECOND = float(os.environ.get("SOAK_WRITES_PER_SECOND", "1"))
PUBLISH_EVERY = 20  # one newsroom write in twenty publishes a new article
SIGNUPS_PER_HOUR = 9  # the site allows 10 sign-ups an hour per address
WARMUP = max(1, minutes // 5)  # minutes left out of the slopes
TARGET_MB_PER_10_MIN = 1.0
TARGET_FD_PER_10_MIN = 1.0
TARGET_WAL_MB = 64.0

work = tempfile.mkdtemp(prefix="arabpress-soak-")
data = os.path.join(work, "data")
procs = []


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cleanup():
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
    shutil.rmtree(work, ignore_errors=True)


# ---------------------------------------------------------------------------------------
# A wire feed on loopback: one new story a minute, the latest 20 in the feed.

wire_started = time.time()


class WireFeed(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the handler's name is fixed)
        n = int((time.time() - wire_started) // 60) + 1
        items = []
        for i in range(max(1, n - 19), n + 1):
            items.append(
                f"<item><title>Soak wire story {i}</title><link>http://127.0.0.1/wire/{i}</link>"
                f"<guid>soak-wire-{i}</guid><pubDate>{time.strftime('%a, %d %b %Y %H:%M:%S +0000', time.gmtime())}"
                f"</pubDate><description>Story {i} from the soak wire: a desalination plant "
                f"and a solar tender.</description></item>")
        body = ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
                "<title>Soak wire</title><link>http://127.0.0.1/</link><description>Soak</description>"
                + "".join(items) + "</channel></rss>").encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


wire_server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), WireFeed)
threading.Thread(target=wire_server.serve_forever, daemon=True).start()
wire_url = f"http://127.0.0.1:{wire_server.server_address[1]}/wire.xml"

# ---------------------------------------------------------------------------------------
# The site.

port = free_port()
base = f"http://127.0.0.1:{port}"
env = dict(os.environ, RUST_LOG="warn", RUST_BACKTRACE="1", ARABPRESS_AUDIO="off",
           ARABPRESS_ALLOW_PRIVATE_NETWORK="1", ARABPRESS_MAIL_TRANSPORT="file",
           ARABPRESS_DIGEST_HOUR="-1")
env.pop("ARABPRESS_DATABASE_URL", None)
log_path = os.path.join(work, "server.log")
server = subprocess.Popen([binary, "demo", "--data", data, "--listen", f"127.0.0.1:{port}",
                           "--archive", os.environ.get("SOAK_ARCHIVE", "200")],
                          env=env, stdout=open(log_path, "w"), stderr=subprocess.STDOUT)
procs.append(server)


def server_log():
    with open(log_path, errors="replace") as f:
        return f.read()


deadline = time.time() + 300
while True:
    try:
        urllib.request.urlopen(f"{base}/healthz", timeout=2)
        break
    except (urllib.error.URLError, ConnectionError, OSError):
        if server.poll() is not None or time.time() > deadline:
            print(server_log()[-3000:])
            cleanup()
            raise SystemExit("the demo site did not start")
        time.sleep(0.2)
log = server_log()
api_key = re.search(r"ap_[0-9a-f]+", log).group(0)
login = re.search(r"login for the demo: (\S+) / (\S+)", log)
email, password = login.group(1), login.group(2)


def get(path):
    with urllib.request.urlopen(base + path, timeout=30) as r:
        return r.read().decode()


def paths_of(sitemap):
    return [urllib.parse.urlsplit(u).path for u in re.findall(r"<loc>([^<]+)</loc>", get(sitemap))]


articles = [p for s in paths_of("/sitemap.xml") if "/articles/" in s
            for p in paths_of(s)]
sections = ["politics", "economy", "world", "technology", "culture", "sport"]
cached = ["/ar/", "/en/"] + [f"/{l}/section/{s}" for l in ("ar", "en") for s in sections] + articles
words = ["water", "election", "solar", "bread", "summit", "desalination", "tender", "market",
         "مياه", "انتخابات", "الخبز", "الطاقة", "قمة", "سوق"]


def list_pages():
    """Every second and later page of each section that exists."""
    out = []
    for lang in ("ar", "en"):
        for s in sections:
            for p in range(2, 30):
                try:
                    get(f"/{lang}/section/{s}?page={p}")
                except urllib.error.HTTPError:
                    break
                out.append(f"/{lang}/section/{s}?page={p}")
    return out


uncached = ([f"/en/search?q={urllib.parse.quote(w)}&n={i}" for w in words for i in range(20)]
            + list_pages())
random.Random(7).shuffle(uncached)
feeds = (["/ar/rss.xml", "/en/rss.xml", "/ar/atom.xml", "/en/atom.xml", "/ar/feed.json",
          "/en/feed.json", "/sitemap.xml", "/sitemap-news.xml", "/sitemap-pages.xml"]
         + [f"/{l}/section/{s}/rss.xml" for l in ("ar", "en") for s in sections])

# ---------------------------------------------------------------------------------------
# wrk: the GET mix, paced.

LUA = """
local cached = {%s}
local uncached = {%s}
local feeds = {%s}
local delay_ms = %d
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  n = math.random(1, 1000)
  s4 = 0
  s5 = 0
end
function request()
  n = n + 1
  local k = n %% 94
  local p
  if k < 80 then p = cached[(n %% #cached) + 1]
  elseif k < 90 then p = uncached[(n %% #uncached) + 1]
  else p = feeds[(n %% #feeds) + 1] end
  return wrk.format("GET", p)
end
function delay()
  return delay_ms
end
function response(status, headers, body)
  if status >= 500 then s5 = s5 + 1 elseif status >= 400 then s4 = s4 + 1 end
end
function done(summary, latency, requests)
  local a, b = 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("s4")
    b = b + t:get("s5")
  end
  io.write(string.format("soak-4xx %%d\\nsoak-5xx %%d\\n", a, b))
end
"""


def lua_list(paths):
    return ", ".join(json.dumps(p) for p in paths)


def write_lua(delay_ms):
    path = os.path.join(work, "mix.lua")
    with open(path, "w") as f:
        f.write(LUA % (lua_list(cached), lua_list(uncached), lua_list(feeds), delay_ms))
    return path


def parse_wrk(out):
    def num(pattern, default=0.0):
        m = re.search(pattern, out)
        return float(m.group(1)) if m else default

    def ms(pattern):
        m = re.search(pattern + r"\s+([\d.]+)(us|ms|s)\b", out)
        if not m:
            return 0.0
        return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]

    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": num(r"Requests/sec:\s+([\d.]+)"),
        "requests": int(num(r"(\d+) requests in")),
        "p99": ms(r"99%"),
        "4xx": int(num(r"soak-4xx (\d+)")),
        "5xx": int(num(r"soak-5xx (\d+)")),
        "conn_errors": sum(int(x) for x in sock.groups()) if sock else 0,
    }


# ---------------------------------------------------------------------------------------
# The Python part: API, newsroom, newsletter, wire.

lock = threading.Lock()
minute_stats = {"requests": 0, "latencies": [], "4xx": 0, "5xx": 0, "conn_errors": 0, "by_kind": {}}
problems = []  # (what, status, detail): every 5xx and connection error, for the report


def note(kind, status, latency_ms, detail=""):
    with lock:
        s = minute_stats
        s["requests"] += 1
        s["latencies"].append(latency_ms)
        s["by_kind"][kind] = s["by_kind"].get(kind, 0) + 1
        if status is None:
            s["conn_errors"] += 1
            problems.append((kind, "connection error", detail))
        elif status >= 500:
            s["5xx"] += 1
            problems.append((kind, status, detail))
        elif status >= 400 and not (kind == "signup" and status == 429):
            s["4xx"] += 1
            problems.append((kind, status, detail))


class KeepAlive:
    """One keep-alive connection, reopened when the server closes it."""

    def __init__(self):
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                r = self.conn.getresponse()
                payload = r.read()
                if r.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return r.status, payload, r
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # A keep-alive connection the server closed while idle: one fresh try.
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise RuntimeError("unreachable")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None


jar = http.cookiejar.CookieJar()
browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)


def fetch(path, body=None, headers=None):
    req = urllib.request.Request(base + path, data=body, headers=headers or {})
    try:
        with browser.open(req, timeout=30) as r:
            return r.status, r.read().decode(errors="replace"), r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace"), e.headers


def timed(kind, fn):
    started = time.monotonic()
    try:
        status, out, headers = fn()
    except (OSError, http.client.HTTPException) as e:
        note(kind, None, (time.monotonic() - started) * 1000, repr(e))
        return None, "", {}
    note(kind, status, (time.monotonic() - started) * 1000, out[:200] if status >= 400 else "")
    return status, out, headers


def csrf_of(html):
    m = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    return m.group(1) if m else ""


def multipart(fields):
    boundary = "----arabpress-soak"
    out = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
           for k, v in fields]
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out), f"multipart/form-data; boundary={boundary}"


_, page, _ = fetch("/admin/login?lang=en")
status, _, _ = fetch("/admin/login", urllib.parse.urlencode(
    {"csrf": csrf_of(page), "email": email, "password": password, "lang": "en"}).encode(),
    {"Content-Type": "application/x-www-form-urlencoded"})
if status != 303:
    cleanup()
    raise SystemExit(f"newsroom sign-in: {status}")

drafts = []  # ids of the drafts the soak keeps saving
writes = {"n": 0}


def editor_fields(csrf, version, headline, action):
    return [("csrf", csrf), ("version", str(version)), ("lang", "en"), ("headline", headline),
            ("standfirst", "Filed by the soak."), ("body", "A paragraph of the soak.\n\n" * 5),
            ("kind", "news"), ("section", "economy"), ("tags", "Soak"), ("author", "omar-khatib"),
            ("action", action)]


def newsroom_write():
    with lock:
        writes["n"] += 1
        n = writes["n"]
        target = random.choice(drafts) if drafts and n % PUBLISH_EVERY and len(drafts) >= 3 else None
    if target is None:
        status, page, _ = timed("newsroom", lambda: fetch("/admin/articles/new"))
        if status != 200:
            return
        action = "publish" if n % PUBLISH_EVERY == 0 else "save"
        body, ctype = multipart(editor_fields(csrf_of(page), 0, f"Soak story {n} {uuid.uuid4().hex[:8]}", action))
        status, _, headers = timed("newsroom", lambda: fetch("/admin/articles", body, {"Content-Type": ctype}))
        m = re.search(r"/admin/articles/(\d+)", headers.get("Location", "") if status == 303 else "")
        if m and action == "save":
            with lock:
                drafts.append(int(m.group(1)))
        return
    status, page, _ = timed("newsroom", lambda: fetch(f"/admin/articles/{target}"))
    m = re.search(r'name="version" value="(\d+)"', page)
    if status != 200 or not m:
        return
    body, ctype = multipart(editor_fields(csrf_of(page), m.group(1), f"Soak draft {target} edit {n}", "save"))
    status, out, _ = timed("newsroom", lambda: fetch(f"/admin/articles/{target}", body, {"Content-Type": ctype}))


api_conns = threading.local()
api_paths = ["/api/v1/articles?lang=en&limit=20", "/api/v1/articles?lang=ar&limit=5",
             "/api/v1/sections", "/api/v1/tags?lang=ar", "/api/v1/authors",
             "/api/v1/search?q=water&lang=en", "/api/v1/articles/1"]


def api_call(i):
    if not hasattr(api_conns, "c"):
        api_conns.c = KeepAlive()
    path = api_paths[i % len(api_paths)]
    timed("api", lambda: (lambda s, b, r: (s, b.decode(errors="replace"), r))(
        *api_conns.c.request("GET", path, headers={"X-Api-Key": api_key})))


signups = []


def signup():
    now = time.time()
    with lock:
        recent = [t for t in signups if now - t < 3600]
        if len(recent) >= SIGNUPS_PER_HOUR:
            return
        signups.append(now)
    form = urllib.parse.urlencode({"email": f"soak-{uuid.uuid4().hex[:12]}@arabpress.example",
                                   "langs": "both", "list": "digest"}).encode()
    timed("signup", lambda: fetch("/en/newsletter", form, {"Content-Type": "application/x-www-form-urlencoded"}))


wire = {"id": None}


def wire_poll():
    if wire["id"] is None:
        status, page, _ = timed("wire", lambda: fetch("/admin/wire"))
        form = urllib.parse.urlencode({"csrf": csrf_of(page), "url": wire_url, "name": "Soak wire",
                                       "lang": "en", "section": "economy", "publish": "1",
                                       "interval": "5"}).encode()
        status, page, _ = timed("wire", lambda: fetch("/admin/wire", form, {
            "Content-Type": "application/x-www-form-urlencoded"}))
        if status != 303:
            print("the wire feed was refused: " + " ".join(re.findall(r'class="[^"]*error[^"]*"[^>]*>([^<]+)', page)))
        status, page, _ = timed("wire", lambda: fetch("/admin/wire"))
        m = re.search(r"/admin/wire/(\d+)/poll", page)
        wire["id"] = m.group(1) if m else None
        return
    status, page, _ = timed("wire", lambda: fetch("/admin/wire"))
    form = urllib.parse.urlencode({"csrf": csrf_of(page)}).encode()
    timed("wire", lambda: fetch(f"/admin/wire/{wire['id']}/poll", form,
                                {"Content-Type": "application/x-www-form-urlencoded"}))


def paced(rate, action, stop_at):
    """Calls action(i) `rate` times a second until stop_at; missed slots are dropped, so a
    slow server never makes this catch up with a burst."""
    i = 0
    interval = 1.0 / rate
    next_at = time.monotonic()
    while time.monotonic() < stop_at:
        now = time.monotonic()
        if now < next_at:
            time.sleep(min(next_at - now, stop_at - now, 1.0))
            continue
        action(i)
        i += 1
        next_at = max(next_at + interval, time.monotonic() - 1.0)


# ---------------------------------------------------------------------------------------
# Run.


def proc_figures():
    with open(f"/proc/{server.pid}/status") as f:
        rss = int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1)) / 1024
    fds = sum(v for k, v in fd_kinds().items() if k != "load connections")
    db = os.path.getsize(os.path.join(data, "arabpress.sqlite")) / 2**20
    wal_path = os.path.join(data, "arabpress.sqlite-wal")
    wal = os.path.getsize(wal_path) / 2**20 if os.path.exists(wal_path) else 0.0
    return rss, fds, db, wal


def served_sockets():
    """The inodes of the TCP sockets on the site's port that are not its listener: the
    load's own connections, as many as the load holds open, whatever the server does."""
    inodes = set()
    for table in ("tcp", "tcp6"):
        try:
            with open(f"/proc/{server.pid}/net/{table}") as f:
                rows = f.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            cols = row.split()
            # local address, remote address, state (0A: listening), ..., inode
            if len(cols) > 9 and int(cols[1].rsplit(":", 1)[1], 16) == port and cols[3] != "0A":
                inodes.add(cols[9])
    return inodes


def fd_kinds():
    """The server's open descriptors by kind: the load's connections to the site, other
    sockets, pipes, other anonymous inodes, and files by their folder under the data
    directory (the search index, the database)."""
    kinds = {}
    folder = f"/proc/{server.pid}/fd"
    try:
        names = os.listdir(folder)
    except OSError:
        return kinds
    served = served_sockets()
    for name in names:
        try:
            target = os.readlink(os.path.join(folder, name))
        except OSError:
            continue  # closed while being read
        if target.startswith("socket:") and target[len("socket:["):-1] in served:
            kind = "load connections"
        elif target.startswith(("socket:", "pipe:", "anon_inode:")):
            kind = target.split(":")[0] + (":" + target.split(":")[1].strip("[]")
                                           if target.startswith("anon_inode:") else "")
        elif target.startswith(data):
            kind = os.path.dirname(os.path.relpath(target, data)) or "data"
        else:
            kind = target
        kinds[kind] = kinds.get(kind, 0) + 1
    return kinds


class FdSampler(threading.Thread):
    """Counts the server's own descriptors (all but the load's connections to it) every
    half second through one minute: the minute's floor is what a leak raises (a spike of
    work in flight at the moment of one sample is not a leak), its peak and what the peak
    was made of tell where spikes come from."""

    def __init__(self, stop_at):
        super().__init__(daemon=True)
        self.stop_at = stop_at
        self.low, self.high, self.high_kinds, self.low_kinds = None, 0, {}, {}

    def run(self):
        while time.monotonic() < self.stop_at:
            kinds = fd_kinds()
            # The load's connections come and go with wrk's minutes: what the server holds
            # of its own is what could leak.
            n = sum(v for k, v in kinds.items() if k != "load connections")
            if n and (self.low is None or n < self.low):
                self.low, self.low_kinds = n, kinds
            if n > self.high:
                self.high, self.high_kinds = n, kinds
            time.sleep(0.5)


def kinds_text(kinds):
    return ", ".join(f"{k} {v}" for k, v in sorted(kinds.items(), key=lambda kv: -kv[1]))


def slope_per_10_min(ys):
    """Least-squares slope of one-a-minute samples, per 10 minutes."""
    if len(ys) < 2:
        return 0.0
    xs = list(range(len(ys)))
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return 10 * sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den


exit_code = 0
try:
    for p in cached[:50] + feeds:
        try:
            get(p)  # every page rendered once
        except urllib.error.HTTPError as e:
            raise SystemExit(f"{p}: {e}")
    article = cached[2 + len(sections) * 2] if len(cached) > 14 else "/en/"
    out = subprocess.run(["wrk", "-t2", "-c32", "-d5s", f"{base}{article}"], capture_output=True,
                         text=True, timeout=60).stdout
    peak = parse_wrk(out)["rps"]
    # The mix costs more than one cached page (searches render every time): its own peak,
    # a short unpaced wrk run of the same mix, sets the aim.
    out = subprocess.run(["wrk", "-t2", "-c32", "-d5s", "-s", write_lua(0), base], capture_output=True,
                         text=True, timeout=60).stdout
    mix_peak = parse_wrk(out)["rps"]
    rate = max(50.0, mix_peak / 2)
    get_rate = rate * 0.94  # the rest: API, newsroom, newsletter and wire, from Python
    conns = int(min(128, max(4, get_rate * 0.01)))
    delay_ms = max(1, round(conns * 1000 / get_rate))
    first_delay = delay_ms
    print(f"peak {peak:.0f} req/s on a cached article page, {mix_peak:.0f} req/s for the mix "
          f"(wrk -t2 -c32 -d5s); soak at "
          f"{rate:.0f} req/s for {minutes} min: wrk {conns} connections with {delay_ms} ms "
          f"between requests; API {API_PER_SECOND}/s, newsroom writes {WRITES_PER_SECOND}/s, "
          f"sign-ups {SIGNUPS_PER_HOUR}/h, a wire feed polled each minute")
    print(f"{'min':>4} {'req/s':>8} {'p99 ms':>8} {'py p99':>8} {'RSS MB':>8} {'fds low-high':>9} "
          f"{'DB MB':>7} {'WAL MB':>7} {'4xx':>5} {'5xx':>5} {'conn':>5}")
    samples = []
    totals = {"4xx": 0, "5xx": 0, "conn_errors": 0, "requests": 0}
    soak_end = time.monotonic() + minutes * 60 + 5
    for minute in range(1, minutes + 1):
        stop_at = time.monotonic() + 60
        wrk = subprocess.Popen(["wrk", "-t2", f"-c{conns}", "-d60s", "--timeout", "5s", "--latency",
                                "-s", write_lua(delay_ms), base], stdout=subprocess.PIPE, text=True)
        threads = [
            threading.Thread(target=paced, args=(API_PER_SECOND, api_call, stop_at)),
            threading.Thread(target=paced, args=(WRITES_PER_SECOND, lambda i: newsroom_write(), stop_at)),
            threading.Thread(target=paced, args=(1 / 20, lambda i: signup(), stop_at)),
        ]
        fd_sampler = FdSampler(stop_at - 1)
        threads.append(fd_sampler)
        for t in threads:
            t.start()
        wire_poll()
        try:
            w = parse_wrk(wrk.communicate(timeout=120)[0])
        except subprocess.TimeoutExpired:
            wrk.kill()
            w = parse_wrk(wrk.communicate()[0])
            w["conn_errors"] += 1
            problems.append(("wrk", "hung", "wrk did not finish its minute"))
        for t in threads:
            t.join(timeout=120)
        with lock:
            py = dict(minute_stats)
            minute_stats.update({"requests": 0, "latencies": [], "4xx": 0, "5xx": 0, "conn_errors": 0,
                                 "by_kind": {}})
        if server.poll() is not None:
            problems.append(("server", "exited", f"status {server.returncode}"))
            print("the server exited")
            exit_code = 1
            break
        rss, fds, db, wal = proc_figures()
        fd_low = fd_sampler.low if fd_sampler.low is not None else fds
        fd_high = fd_sampler.high or fds
        py_p99 = (statistics.quantiles(py["latencies"], n=100)[98]
                  if len(py["latencies"]) >= 2 else 0.0)
        rps = w["rps"] + py["requests"] / 60
        s = {"rps": rps, "p99": w["p99"], "py_p99": py_p99, "rss": rss, "fds": fd_low,
             "fds_high": fd_high, "fd_low_kinds": fd_sampler.low_kinds,
             "fd_high_kinds": fd_sampler.high_kinds, "db": db,
             "wal": wal, "4xx": w["4xx"] + py["4xx"], "5xx": w["5xx"] + py["5xx"],
             "conn": w["conn_errors"] + py["conn_errors"]}
        samples.append(s)
        for k, v in (("4xx", s["4xx"]), ("5xx", s["5xx"]), ("conn_errors", s["conn"])):
            totals[k] += v
        totals["requests"] += w["requests"] + py["requests"]
        if w["5xx"]:
            problems.append(("pages (wrk)", "5xx", f"{w['5xx']} answers"))
        if w["conn_errors"]:
            problems.append(("pages (wrk)", "connection error", f"{w['conn_errors']} socket errors"))
        print(f"{minute:>4} {rps:>8.0f} {s['p99']:>8.1f} {py_p99:>8.1f} {rss:>8.1f} {fd_low:>4}-{fd_high:<4} "
              f"{db:>7.1f} {wal:>7.1f} {s['4xx']:>5} {s['5xx']:>5} {s['conn']:>5}", flush=True)
        # Keep the GET rate near its aim: wrk's per-connection delay is in whole ms.
        if w["rps"] > 0:
            delay_ms = max(1, round(delay_ms * w["rps"] / get_rate))
            delay_ms = max(delay_ms, first_delay // 2)  # never towards an unpaced run
        if time.monotonic() > soak_end + 300:
            break

    after = samples[WARMUP:] if len(samples) > WARMUP + 1 else samples
    rss_slope = slope_per_10_min([s["rss"] for s in after])
    fd_slope = slope_per_10_min([s["fds"] for s in after])
    db_slope = slope_per_10_min([s["db"] for s in after])
    wal_max = max((s["wal"] for s in samples), default=0.0)
    p99s = [s["p99"] for s in after]
    third = max(1, len(p99s) // 3)
    p99_first, p99_last = statistics.median(p99s[:third]), statistics.median(p99s[-third:])
    errors = totals["5xx"] + totals["conn_errors"]
    rows = [
        ("error responses (4xx/5xx/connection)",
         f"{totals['4xx']} / {totals['5xx']} / {totals['conn_errors']} of {totals['requests']}",
         "none", totals["4xx"] + errors == 0),
        ("resident memory slope", f"{rss_slope:+.2f} MB / 10 min", f"< {TARGET_MB_PER_10_MIN} MB / 10 min",
         rss_slope < TARGET_MB_PER_10_MIN),
        ("open descriptors slope (minute floor)", f"{fd_slope:+.2f} / 10 min",
         f"< {TARGET_FD_PER_10_MIN} / 10 min",
         fd_slope < TARGET_FD_PER_10_MIN),
        ("WAL size, largest", f"{wal_max:.1f} MB", f"< {TARGET_WAL_MB:.0f} MB (checkpointed)",
         wal_max < TARGET_WAL_MB),
        ("p99 latency, first and last third", f"{p99_first:.1f} → {p99_last:.1f} ms",
         "last ≤ 1.5 × first + 5 ms", p99_last <= 1.5 * p99_first + 5),
        ("database size slope (content grows)", f"{db_slope:+.2f} MB / 10 min", "(reported only)", True),
    ]
    print(f"\nSUMMARY ({len(samples)} minutes, slopes over minutes {WARMUP + 1}–{len(samples)}, "
          f"after warm-up; targets {'checked' if targets else 'not checked'})")
    print(f"| {'figure':<38} | {'measured':<34} | {'target':<28} | held |")
    print(f"|{'-' * 40}|{'-' * 36}|{'-' * 30}|------|")
    for name, value, target, held in rows:
        print(f"| {name:<38} | {value:<34} | {target:<28} | {'yes' if held else 'NO':<4} |")
    if after:
        print(f"descriptors, first floor after warm-up: {kinds_text(after[0]['fd_low_kinds'])}")
        print(f"descriptors, last floor: {kinds_text(after[-1]['fd_low_kinds'])}")
        top = max(samples, key=lambda s: s["fds_high"])
        print(f"descriptors, highest peak ({top['fds_high']}): {kinds_text(top['fd_high_kinds'])}")
    for kind, status, detail in problems[:10]:
        title = re.search(r"<title>([^<]*)", str(detail))
        print(f"   {kind}: {status} {title.group(1) if title else str(detail)[:200]}")
    if errors or len(samples) < minutes:
        print(f"FAIL: {totals['5xx']} 5xx answers, {totals['conn_errors']} connection errors")
        exit_code = 1
    if targets and not all(r[3] for r in rows):
        print("FAIL: a target was missed")
        exit_code = 1
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", l) for l in server_log().splitlines()]
    errors_logged = [l for l in lines if " ERROR " in l]
    if errors_logged:
        print(f"server log: {len(errors_logged)} errors, the first ones:\n   "
              + "\n   ".join(l[:300] for l in errors_logged[:5]))
    panics = [l for l in lines if "panicked" in l]
    if panics:
        print("FAIL: the server panicked:\n   " + "\n   ".join(panics[:5]))
        exit_code = 1
finally:
    cleanup()
    wire_server.shutdown()
sys.exit(exit_code)
