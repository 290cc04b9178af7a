#!/usr/bin/env python3
"""Crash safety: real `arabpress` processes killed with SIGKILL at random moments, many
times, then restarted; after each kill the site must be in a state an uninterrupted run
could have left. On SQLite (a data folder) and, given its URL, on PostgreSQL:

* publish: an article published through the admin API (and one scheduled to go live a
  moment later) is, after the kill and a restart, either published with its page, its
  place in the feed, its search entry and its webhook notification, or not published at
  all (its page 404, nowhere in search);
* import: `import wxr` / `import ghost` killed and run again gives the same rows as an
  uninterrupted import (no duplicates, nothing missing);
* media upload: every media row has its files, and no file the site serves is cut short;
* export and backup: a killed run leaves no file (or folder) under the name asked for, or
  a complete one; never a cut-short archive or database;
* audio: an article spoken by `audio build`, then its words changed through the admin API;
  `audio build` for it killed: the article page links one MP3, served whole (200,
  audio/mpeg, as long as its headers say), the old one until the new one is recorded; the
  killed run's claim lasts 15 minutes and a later run skips the article while it is live,
  so the check sets the claim's end in the past before each run (what the 15 minutes
  would do) and prints what a run with the claim still live does; a last run makes the new
  audio, linked by the page, and `audio status` shows none failed. Speech is off
  (ARABPRESS_AUDIO=off) in every other scenario;
* restore: `import arabpress` of the demo's own archive killed and run again into an empty
  site gives the same rows per table as an uninterrupted restore (a run killed after its
  commit is refused the second time: the site has content);
* the data folder and the database files are private (0700 / 0600);
* disk full (SQLite on a 20 MB tmpfs): saving an article, uploading an image and importing
  fail with a clear message, the site keeps serving, starts again once a megabyte is freed
  (SQLite must write its shared-memory file to open a WAL database: whether a 100% full disk
  still has room for it depends on what the failed import committed before it failed), and
  `PRAGMA integrity_check` answers ok.

Usage: check.py BINARY [KILLS] [POSTGRES_URL] (KILLS per scenario, default 5). The random
seed is printed; set FAULTS_SEED to replay a run, and FAULTS_ONLY=publish,media,export,
audio,restore,import,modes,diskfull to run some scenarios only. Prints "N passed, M failed" and exits
non-zero on any failure.
"""
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
    print(__doc__)
    raise SystemExit(0 if len(sys.argv) > 1 else 2)
BINARY = os.path.abspath(sys.argv[1])
KILLS = int(sys.argv[2]) if len(sys.argv) > 2 else 5
PG_URL = sys.argv[3] if len(sys.argv) > 3 else os.environ.get("ARABPRESS_TEST_POSTGRES", "")
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
SEED = int(os.environ.get("FAULTS_SEED") or random.randrange(1 << 31))
rng = random.Random(SEED)
print(f"seed {SEED} (replay with FAULTS_SEED={SEED}); {KILLS} kills per scenario")
passed = failed = 0
work = tempfile.mkdtemp(prefix="arabpress-faults-")
procs = []


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name}" + (f"\n     {detail}" if detail else ""))
    return ok


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Engine:
    """One site: a data folder, and a PostgreSQL database when `pg` is set."""

    def __init__(self, name, pg=None):
        self.name = name
        self.data = os.path.join(work, name)
        self.pg = pg
        self.db_url = None
        if pg:
            self.dbname = f"arabpress_faults_{name}_{os.getpid()}"
            self.psql(f'DROP DATABASE IF EXISTS "{self.dbname}"', admin=True)
            self.psql(f'CREATE DATABASE "{self.dbname}"', admin=True)
            self.db_url = f"{pg.rsplit('/', 1)[0]}/{self.dbname}"

    def env(self):
        e = dict(os.environ)
        # Speech is off (the worker would speak the whole demo) except where `self.audio` is set.
        e.update({"ARABPRESS_DATA_DIR": self.data, "RUST_LOG": "warn", "RUST_BACKTRACE": "0",
                  "ARABPRESS_MAIL_TRANSPORT": "file", "ARABPRESS_DIGEST_HOUR": "-1",
                  "ARABPRESS_AUDIO": "on" if getattr(self, "audio", False) else "off"})
        if self.db_url:
            e["ARABPRESS_DATABASE_URL"] = self.db_url
        else:
            e.pop("ARABPRESS_DATABASE_URL", None)
        return e

    def psql(self, sql, admin=False):
        url = self.pg if admin else self.db_url
        r = subprocess.run(["psql", "-qAt", "-v", "ON_ERROR_STOP=1", url, "-c", sql],
                           capture_output=True, text=True, check=True)
        return [line.split("|") for line in r.stdout.splitlines() if line]

    def query(self, sql):
        """Rows of `sql` (portable SQL, no parameters) as lists of strings."""
        if self.db_url:
            return self.psql(sql)
        con = sqlite3.connect(os.path.join(self.data, "arabpress.sqlite"), timeout=10)
        try:
            return [["" if v is None else str(v) for v in row] for row in con.execute(sql)]
        finally:
            con.close()

    def execute(self, sql):
        """Runs one portable statement that changes rows."""
        if self.db_url:
            self.psql(sql)
            return
        con = sqlite3.connect(os.path.join(self.data, "arabpress.sqlite"), timeout=10)
        try:
            con.execute(sql)
            con.commit()
        finally:
            con.close()

    def drop(self):
        if self.pg:
            try:
                self.psql(f'DROP DATABASE IF EXISTS "{self.dbname}" WITH (FORCE)', admin=True)
            except subprocess.CalledProcessError:
                pass


def run(engine, args, timeout=600, **kw):
    return subprocess.run([BINARY, *args], env=engine.env(), capture_output=True, text=True,
                          timeout=timeout, **kw)


def spawn(engine, args, log_name):
    log = open(os.path.join(work, f"{engine.name}-{log_name}.log"), "a")
    p = subprocess.Popen([BINARY, *args], env=engine.env(), stdout=log, stderr=log)
    procs.append(p)
    return p


def kill(p):
    if p.poll() is None:
        p.send_signal(signal.SIGKILL)
    p.wait()


def http(url, data=None, headers=None, method=None, timeout=30):
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")
    except (urllib.error.URLError, ConnectionError, OSError) as e:
        return 0, str(e)


class Server:
    def __init__(self, engine, command="serve", extra=()):
        self.engine = engine
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.out = os.path.join(work, f"{engine.name}-{command}-{self.port}.log")
        log = open(self.out, "a")
        self.p = subprocess.Popen([BINARY, command, "--listen", f"127.0.0.1:{self.port}", *extra],
                                  env=engine.env(), stdout=log, stderr=log)
        procs.append(self.p)
        deadline = time.time() + 180
        while time.time() < deadline:
            if http(f"{self.url}/healthz", timeout=2)[0] == 200:
                return
            if self.p.poll() is not None:
                raise SystemExit(f"{command} exited: see {self.out}")
            time.sleep(0.1)
        raise SystemExit(f"{command} did not start: see {self.out}")

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                kill(self.p)

    def log(self):
        with open(self.out) as f:
            return f.read()


def make_demo(engine):
    """The demo site; returns the admin API token it prints."""
    s = Server(engine, "demo")
    s.stop()
    m = re.search(r"admin API token for the demo: (\S+)", s.log())
    if not m:
        raise SystemExit(f"no API token in {s.out}")
    # A receiver that never answers: its deliveries stay queued, which is what is checked.
    sql = ("INSERT INTO webhooks (url, events, secret, active, created_by, created_at) VALUES "
           "('http://127.0.0.1:9/hook', 'article.published,article.unpublished', 'whsec_faults', 1, NULL, 0)")
    if engine.db_url:
        engine.psql(sql)
    else:
        con = sqlite3.connect(os.path.join(engine.data, "arabpress.sqlite"), timeout=10)
        con.execute(sql)
        con.commit()
        con.close()
    return m.group(1)


def api(server, token, path, body):
    return http(f"{server.url}{path}", json.dumps(body).encode(),
                {"Content-Type": "application/json", "Authorization": f"Bearer {token}"})


# Each draft's text is drawn from these by its word, so no two articles are near-duplicates
# (the site hides a near-duplicate of a public story from lists and search, by design).
VOCABULARY = """harbour river market school bridge council budget harvest factory railway airport
museum library hospital festival election drought rainfall pipeline vaccine stadium ferry
orchard quarry refinery satellite tunnel vineyard warehouse bakery caravan desert glacier
island lagoon meadow mountain oasis plateau valley volcano archive ballot cabinet charter
court embassy treaty tribunal union academy clinic college laboratory nursery observatory
theatre gallery concert novel poet sculptor tenor violin cotton copper cement grain olive
saffron timber wool compass lantern mirror pottery tapestry telescope weaver blacksmith
fisherman shepherd surgeon teacher engineer pilot sailor courier""".split()


def draft(word, **extra):
    r = random.Random(word)
    headline = f"Faults {word} report on the {r.choice(VOCABULARY)} and the {r.choice(VOCABULARY)}"
    body = f"The {word} plant opened on the coast. " + " ".join(r.choice(VOCABULARY) for _ in range(40)) + "."
    d = {"lang": "en", "headline": headline, "standfirst": "Filed from the fault check.",
         "body_md": body, "kind": "news", "section": "economy",
         "tags": ["Faults"], "authors": ["omar-khatib"]}
    d.update(extra)
    return d


def word(i):
    """A word search finds only in article i (letters only, so no stemming merges two)."""
    letters = "bcdfghjklmnpqrstvwxz"
    s, n = "", i + 20 * 20
    while n:
        s, n = letters[n % 20] + s, n // 20
    return "zq" + s + "zq"


# -- publishing -----------------------------------------------------------------------------

def scenario_publish(engine, token):
    created = {}  # id → (slug, word)
    for k in range(KILLS):
        server = Server(engine)
        w = word(len(created) + 1)
        status, body = api(server, token, "/api/v1/admin/articles", draft(w))
        if status != 201:
            check(f"{engine.name}: create a draft", False, f"{status} {body[:300]}")
            server.stop()
            return
        a = json.loads(body)
        created[a["id"]] = (a["slug"], w)
        # A second one scheduled to go live about now: the scheduler may be killed mid-way.
        w2 = word(len(created) + 1)
        at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + rng.uniform(1, 2.5)))
        status, body = api(server, token, "/api/v1/admin/articles",
                           draft(w2, status="scheduled", publish_at=at))
        if status == 201:
            b = json.loads(body)
            created[b["id"]] = (b["slug"], w2)
        t = threading.Thread(target=api, args=(server, token, f"/api/v1/admin/articles/{a['id']}/publish", {}),
                             daemon=True)
        t.start()
        time.sleep(rng.uniform(0, 0.25) if k % 2 == 0 else rng.uniform(0.5, 2.0))
        kill(server.p)
        t.join(timeout=30)
        server = Server(engine)
        problems = []
        # Scheduled ones fall due within seconds: wait until the restarted worker took them,
        # so what is read below does not change while it is checked.
        ids = ",".join(map(str, created))
        deadline = time.time() + 15
        while engine.query(f"SELECT id FROM articles WHERE id IN ({ids}) AND status = 'scheduled'") \
                and time.time() < deadline:
            time.sleep(0.2)
        rows = {int(r[0]): r[1] for r in engine.query(
            f"SELECT id, status FROM articles WHERE id IN ({','.join(map(str, created))})")}
        notified = set()
        for (payload,) in engine.query("SELECT payload FROM webhook_deliveries WHERE event = 'article.published'"):
            try:
                notified.add(int(json.loads(payload)["article"]["id"]))
            except (ValueError, KeyError, TypeError):
                problems.append(f"unreadable payload {payload[:100]}")
        _, rss = http(f"{server.url}/en/rss.xml")
        for aid, (slug, w) in created.items():
            st = rows.get(aid)
            page, _ = http(f"{server.url}/en/article/{slug}")
            found = f"/en/article/{slug}" in http(f"{server.url}/en/search?q={w}")[1]
            # One the restarted worker has just published reaches the index a moment later.
            deadline = time.time() + 10
            while st == "published" and not found and time.time() < deadline:
                time.sleep(0.2)
                found = f"/en/article/{slug}" in http(f"{server.url}/en/search?q={w}")[1]
            if st == "published":
                if page != 200:
                    problems.append(f"{aid} published but its page answers {page}")
                if not found:
                    problems.append(f"{aid} published but search does not find it")
                if aid not in notified:
                    problems.append(f"{aid} published but no webhook delivery was queued")
                if aid == max(i for i, r in rows.items() if r == "published") and slug not in rss:
                    problems.append(f"{aid}, the latest published, is not in the feed")
            else:
                if page == 200:
                    problems.append(f"{aid} is {st} but its page answers 200")
                if found:
                    problems.append(f"{aid} is {st} but search finds it")
        published = sum(1 for r in rows.values() if r == "published")
        check(f"{engine.name}: publish killed #{k + 1}: {published} of {len(created)} published, all consistent",
              not problems, "; ".join(problems[:6]))
        server.stop()


# -- media upload ---------------------------------------------------------------------------

def png(width, height, shade):
    """An RGB PNG with a gradient, made without any imaging library."""
    import zlib
    rows = b"".join(b"\0" + b"".join(bytes((x * 255 // width, y * 255 // height, shade)) for x in range(width))
                    for y in range(height))

    def chunk(kind, data):
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes((8, 2, 0, 0, 0))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


def whole(name, body):
    """Whether a media file is complete for its format."""
    if name.endswith(".jpg"):
        return body[:3] == b"\xff\xd8\xff" and body.rstrip(b"\0")[-2:] == b"\xff\xd9"
    if name.endswith(".png"):
        return body[:8] == b"\x89PNG\r\n\x1a\n" and body[-8:-4] == b"IEND"
    if name.endswith(".webp"):
        return body[:4] == b"RIFF" and int.from_bytes(body[4:8], "little") + 8 == len(body)
    return True


def scenario_media(engine, token):
    for k in range(KILLS):
        server = Server(engine)
        image = png(1600, 900, rng.randrange(256))
        t = threading.Thread(target=http, args=(f"{server.url}/api/v1/admin/media", image,
                                                {"Content-Type": "application/octet-stream",
                                                 "Authorization": f"Bearer {token}"}), daemon=True)
        t.start()
        time.sleep(rng.uniform(0, 5))
        kill(server.p)
        t.join(timeout=30)
        server = Server(engine)
        problems = []
        for sha, widths in engine.query("SELECT sha256, widths FROM media"):
            for w in sorted(map(int, re.findall(r"\d+", widths)))[-1:]:
                status, _ = http(f"{server.url}/media/{sha}/w{w}.jpg")
                if status != 200:
                    problems.append(f"media row {sha[:12]} has no w{w}.jpg ({status})")
        media = os.path.join(engine.data, "media")
        for d, _, files in os.walk(media):
            for f in files:
                sha = os.path.basename(d)
                if not re.fullmatch(r"[0-9a-f]{64}", sha) or not re.fullmatch(r"[a-z0-9-]+\.(jpg|png|webp)", f):
                    continue  # not an address the site serves
                status, _ = http(f"{server.url}/media/{sha}/{f}")
                with open(os.path.join(d, f), "rb") as fh:
                    body = fh.read()
                if status == 200 and not whole(f, body):
                    problems.append(f"{sha[:12]}/{f} is served but cut short")
        rows = len(engine.query("SELECT id FROM media"))
        check(f"{engine.name}: upload killed #{k + 1}: {rows} media rows, each with its files, none served cut short",
              not problems, "; ".join(problems[:5]))
        server.stop()


# -- imports --------------------------------------------------------------------------------

IMPORTS = [("wxr", "testdata/import/tryghost-migrate_sample.wxr.xml"),
           ("ghost", "testdata/import/tryghost-migrate_ghost-export.json")]


def signature(engine):
    arts = engine.query("SELECT lang, slug, headline, status FROM articles ORDER BY lang, slug")
    tags = engine.query("SELECT lang, slug FROM tags ORDER BY lang, slug")
    authors = engine.query("SELECT slug FROM authors ORDER BY slug")
    links = engine.query("SELECT COUNT(*) FROM article_tags")
    mapped = engine.query("SELECT COUNT(*) FROM import_map")
    return {"articles": arts, "tags": tags, "authors": authors, "article_tags": links, "import_map": mapped}


def fresh(name, pg):
    e = Engine(name, pg)
    shutil.rmtree(e.data, ignore_errors=True)
    run(e, ["migrate"], timeout=120)
    return e


def scenario_import(kind, path, pg, tag):
    path = os.path.join(ROOT, path)
    ref = fresh(f"{tag}-{kind}-ref", pg)
    started = time.monotonic()
    r = run(ref, ["import", kind, "--no-images", path])
    took = time.monotonic() - started
    if not check(f"{tag}: uninterrupted import {kind}", r.returncode == 0, r.stderr[-400:]):
        return
    want = signature(ref)
    ref.drop()
    for k in range(KILLS):
        e = fresh(f"{tag}-{kind}-{k}", pg)
        p = spawn(e, ["import", kind, "--no-images", path], "import")
        time.sleep(rng.uniform(0, took * 1.1))
        kill(p)
        r = run(e, ["import", kind, "--no-images", path])
        got = signature(e)
        diff = [key for key in want if want[key] != got[key]]
        check(f"{tag}: import {kind} killed #{k + 1} and run again equals an uninterrupted import",
              r.returncode == 0 and not diff,
              f"exit {r.returncode} {r.stderr[-300:]}; differs in {diff}: "
              + "; ".join(f"{key}: {len(want[key])} vs {len(got[key])}" for key in diff))
        e.drop()
        shutil.rmtree(e.data, ignore_errors=True)


# -- export and backup ----------------------------------------------------------------------

def complete_archive(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    if not lines or not lines[-1].startswith('{"end"'):
        return False
    end = json.loads(lines[-1])["end"]
    rows = sum(1 for line in lines if line.startswith('{"row"') or '"table"' in line[:40])
    return end["rows"] + end["media"] == len(lines) - 2 and rows == end["rows"]


def scenario_export(engine):
    out_dir = os.path.join(work, f"{engine.name}-exports")
    os.makedirs(out_dir, exist_ok=True)
    started = time.monotonic()
    ref = os.path.join(out_dir, "reference.jsonl")
    r = run(engine, ["export", "--out", ref])
    took = time.monotonic() - started
    check(f"{engine.name}: export", r.returncode == 0 and complete_archive(ref), r.stderr[-300:])
    check(f"{engine.name}: the export is private (0600)", os.path.exists(ref) and os.stat(ref).st_mode & 0o777 == 0o600)
    bad = []
    for k in range(KILLS):
        out = os.path.join(out_dir, f"killed-{k}.jsonl")
        p = spawn(engine, ["export", "--out", out], "export")
        time.sleep(rng.uniform(0, took * 1.1))
        kill(p)
        if os.path.exists(out) and not complete_archive(out):
            bad.append(out)
    check(f"{engine.name}: {KILLS} killed exports left no cut-short archive under the name asked for",
          not bad, f"{bad}")
    if engine.db_url:
        return
    started = time.monotonic()
    ref = os.path.join(out_dir, "backup-reference")
    r = run(engine, ["backup", "--out", ref])
    took = time.monotonic() - started
    check(f"{engine.name}: backup", r.returncode == 0, r.stderr[-300:])
    bad = []
    for k in range(KILLS):
        out = os.path.join(out_dir, f"backup-killed-{k}")
        p = spawn(engine, ["backup", "--out", out], "backup")
        time.sleep(rng.uniform(0, took * 1.1))
        kill(p)
        if os.path.exists(out):
            db = os.path.join(out, "arabpress.sqlite")
            try:
                con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
                ok = con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                n = con.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
                con.close()
                if not ok or n == 0:
                    bad.append(out)
            except sqlite3.Error as e:
                bad.append(f"{out}: {e}")
    check(f"{engine.name}: {KILLS} killed backups left no partial backup under the name asked for",
          not bad, f"{bad}")

# -- spoken audio ---------------------------------------------------------------------------

def fetch(url, timeout=30):
    """(status, headers, body bytes) of a GET."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()
    except (urllib.error.URLError, ConnectionError, OSError):
        return 0, {}, b""


def linked_mp3(server, slug):
    """The sha of the MP3 the article page links, and what is wrong with it as served."""
    _, page = http(f"{server.url}/en/article/{slug}")
    shas = set(re.findall(r"/media/([0-9a-f]{64})/spoken\.mp3", page))
    if len(shas) != 1:
        return None, [f"the page links {len(shas)} MP3s"]
    sha = shas.pop()
    status, headers, body = fetch(f"{server.url}/media/{sha}/spoken.mp3")
    problems = []
    length = headers.get("Content-Length") if status else None
    if status != 200:
        problems.append(f"{sha[:12]}/spoken.mp3 answers {status}")
    elif not (headers.get("Content-Type") or "").startswith("audio/mpeg"):
        problems.append(f"{sha[:12]}/spoken.mp3 is {headers.get('Content-Type')}")
    elif not body or length is None or int(length) != len(body):
        problems.append(f"{sha[:12]}/spoken.mp3 is {len(body)} bytes, its headers say {length}")
    elif not (body[:3] == b"ID3" or (body[0] == 0xFF and body[1] & 0xE0 == 0xE0)):
        problems.append(f"{sha[:12]}/spoken.mp3 does not start as an MP3")
    return sha, problems


def audio_counts(engine):
    r = run(engine, ["audio", "status"], timeout=120)
    m = re.search(r"(\d+) with audio, (\d+) failed, (\d+) waiting", r.stdout)
    return tuple(map(int, m.groups())) if m else None


def scenario_audio(engine, token):
    """Speech killed mid-way. The claim an `audio build` takes lasts 15 minutes and a later
    run skips an article whose claim is live, so before each run the killed run's claim is
    made to have run out (claim_until set in the past), which is what 15 minutes would do."""
    server = Server(engine)  # speech off here: only `audio build` below speaks
    speaker = Engine.__new__(Engine)
    speaker.__dict__.update(engine.__dict__, audio=True)
    w = word(900)
    status, body = api(server, token, "/api/v1/admin/articles", draft(w, body_md="The first words were spoken."))
    if not check(f"{engine.name}: audio: create an article", status == 201, f"{status} {body[:300]}"):
        server.stop()
        return
    a = json.loads(body)
    status, body = api(server, token, f"/api/v1/admin/articles/{a['id']}/publish", {})
    if not check(f"{engine.name}: audio: publish it", status in (200, 201), f"{status} {body[:300]}"):
        server.stop()
        return
    slug, aid = a["slug"], a["id"]
    before = audio_counts(speaker)
    build = ["audio", "build", slug, "--lang", "en"]
    started = time.monotonic()
    r = run(speaker, build, timeout=300)
    took = time.monotonic() - started
    old, problems = linked_mp3(server, slug)
    deadline = time.time() + 10
    while problems and time.time() < deadline:  # the page learns of the audio from the change feed
        time.sleep(0.2)
        old, problems = linked_mp3(server, slug)
    if not check(f"{engine.name}: audio build speaks the article ({took:.1f}s) and its page links the MP3, served whole",
                 r.returncode == 0 and not problems, f"exit {r.returncode} {r.stderr[-300:]}; {problems}"):
        server.stop()
        return
    version = int(engine.query(f"SELECT version FROM articles WHERE id = {aid}")[0][0])
    status, body = http(f"{server.url}/api/v1/admin/articles/{aid}",
                        json.dumps(dict(draft(w, body_md="Other words, so the speech is made again."),
                                        version=version)).encode(),
                        {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}, method="PUT")
    if not check(f"{engine.name}: audio: change the article's words", status == 200, f"{status} {body[:300]}"):
        server.stop()
        return
    expire = f"UPDATE article_audio SET claim_until = 0 WHERE article_id = {aid}"
    new = set()
    for k in range(KILLS):
        engine.execute(expire)
        p = spawn(speaker, build, "audio")
        time.sleep(rng.uniform(0, took * 1.1))
        kill(p)
        sha, problems = linked_mp3(server, slug)
        row = engine.query(f"SELECT sha FROM article_audio WHERE article_id = {aid}")
        if sha not in (None, old):
            new.add(sha)
        if row and row[0][0] not in (old, sha) and row[0][0] not in new:
            # The page takes in a commit made just before the kill from the change feed,
            # read every two seconds.
            deadline = time.time() + 6
            while True:
                time.sleep(0.2)
                sha, problems = linked_mp3(server, slug)
                if sha == row[0][0] or time.time() > deadline:
                    break
            if sha != row[0][0]:
                problems.append(f"the row names {row[0][0][:12]}, the page links {str(sha)[:12]}")
        state = "the old one" if sha == old else "the new one"
        check(f"{engine.name}: audio build killed #{k + 1}: the page links {state}, served whole",
              not problems, "; ".join(problems))
    # Right after a kill, without the claim running out: what a second run does.
    engine.execute(f"UPDATE article_audio SET claim_until = {int(time.time()) + 900} WHERE article_id = {aid}")
    r = run(speaker, build, timeout=300)
    held = engine.query(f"SELECT sha FROM article_audio WHERE article_id = {aid}")[0][0]
    print(f"     with a killed run's claim still live, audio build says: {r.stdout.strip()[-200:]!r} "
          f"(exit {r.returncode}; audio {'unchanged' if held in (old, *new) else 'remade'})")
    engine.execute(expire)
    r = run(speaker, build, timeout=300)
    sha, problems = linked_mp3(server, slug)
    deadline = time.time() + 10
    while (problems or sha == old) and time.time() < deadline:
        time.sleep(0.2)
        sha, problems = linked_mp3(server, slug)
    row = engine.query(f"SELECT x.error, x.failures, x.seen_version = a.version, x.sha FROM article_audio x "
                       f"JOIN articles a ON a.id = x.article_id WHERE a.id = {aid}")
    if row and sha != row[0][3]:
        problems.append(f"the page links {str(sha)[:12]}, the row names {row[0][3][:12]}")
    after = audio_counts(speaker)
    check(f"{engine.name}: audio build run to the end after the kills makes the new audio, served whole",
          r.returncode == 0 and sha != old and not problems and row and row[0][0] == "" and row[0][1] == "0"
          and row[0][2] in ("1", "t", "True"),
          f"exit {r.returncode} {r.stderr[-300:]}; new: {sha != old}; {problems}; row {row}")
    check(f"{engine.name}: audio status: {after}: none failed, no more waiting than before the kills {before}",
          after is not None and before is not None and after[1] == 0 and after[2] <= before[2],
          f"before {before} after {after}")
    if problems:
        server.stop()
        server = Server(engine)
        sha, problems = linked_mp3(server, slug)
        print(f"     after a restart the page links {str(sha)[:12]}: {problems or 'served whole'}")
    server.stop()


# -- restoring an archive -------------------------------------------------------------------

def table_counts(engine, archive):
    """Rows per table the archive holds, and in the database."""
    want = {}
    with open(archive, encoding="utf-8") as f:
        for line in f:
            if line.startswith('{"row"') or '"table"' in line[:40]:
                t = json.loads(line).get("table")
                if t:
                    want[t] = want.get(t, 0) + 1
    got = {t: int(engine.query(f"SELECT COUNT(*) FROM {t}")[0][0]) for t in want}
    return want, got


def scenario_restore(source, pg, tag):
    archive = os.path.join(work, f"{tag}-restore.jsonl")
    r = run(source, ["export", "--out", archive])
    if not check(f"{tag}: export for the restore", r.returncode == 0, r.stderr[-300:]):
        return
    ref = fresh(f"{tag}-restore-ref", pg)
    started = time.monotonic()
    r = run(ref, ["import", "arabpress", archive])
    took = time.monotonic() - started
    want_counts, got_counts = table_counts(ref, archive)
    if not check(f"{tag}: uninterrupted restore ({took:.1f}s) has every row of the archive",
                 r.returncode == 0 and want_counts == got_counts,
                 f"exit {r.returncode} {r.stderr[-300:]}; "
                 + "; ".join(f"{t}: {want_counts[t]} vs {got_counts.get(t)}" for t in want_counts
                             if want_counts[t] != got_counts.get(t))):
        ref.drop()
        return
    want = signature(ref)
    ref.drop()
    shutil.rmtree(ref.data, ignore_errors=True)
    for k in range(KILLS):
        e = fresh(f"{tag}-restore-{k}", pg)
        p = spawn(e, ["import", "arabpress", archive], "restore")
        time.sleep(rng.uniform(0, took * 1.1))
        kill(p)
        _, killed = table_counts(e, archive)
        # All or nothing: a restore that committed before the kill is refused the second time.
        r = run(e, ["import", "arabpress", archive])
        done = killed == want_counts
        rerun_ok = (r.returncode != 0 and "already has content" in r.stderr) if done else r.returncode == 0
        got = signature(e)
        _, counts = table_counts(e, archive)
        diff = [key for key in want if want[key] != got[key]]
        wrong = [f"{t}: {want_counts[t]} vs {counts[t]}" for t in want_counts if want_counts[t] != counts[t]]
        check(f"{tag}: restore killed #{k + 1} ({'after' if done else 'before'} its commit) and run again "
              "equals an uninterrupted restore", rerun_ok and not diff and not wrong,
              f"exit {r.returncode} {r.stderr[-300:]}; differs in {diff}; rows per table: {wrong}")
        e.drop()
        shutil.rmtree(e.data, ignore_errors=True)


# -- file modes -----------------------------------------------------------------------------

def scenario_modes(engine):
    mode = lambda p: os.stat(p).st_mode & 0o777  # noqa: E731
    files = [os.path.join(engine.data, f) for f in os.listdir(engine.data) if f.startswith("arabpress.sqlite")]
    check(f"{engine.name}: the data folder is 0700", mode(engine.data) == 0o700, oct(mode(engine.data)))
    loose = [f"{f} {oct(mode(f))}" for f in files if mode(f) & 0o077]
    check(f"{engine.name}: the database and its log are 0600", files and not loose, f"{loose}")
    os.chmod(engine.data, 0o755)
    s = Server(engine)
    s.stop()
    check(f"{engine.name}: a data folder left 0755 is tightened at start", mode(engine.data) == 0o700,
          oct(mode(engine.data)))


# -- disk full ------------------------------------------------------------------------------

def scenario_disk_full(token_source):
    mount = os.path.join(work, "small")
    os.makedirs(mount)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=20m", "tmpfs", mount], capture_output=True, text=True)
    if r.returncode != 0:
        print(f"skip disk full: mounting a tmpfs was refused ({r.stderr.strip() or r.returncode})")
        return
    try:
        e = Engine("small")
        e.data = os.path.join(mount, "data")
        shutil.copytree(token_source.data, e.data, ignore=shutil.ignore_patterns("index", "media", "mail"))
        token = make_token(e)
        server = Server(e)
        home_before = http(f"{server.url}/en/")[0]
        filler = os.path.join(mount, "filler")
        # Unbuffered: a write the disk refuses is dropped, never retried when the file closes.
        with open(filler, "wb", buffering=0) as f:
            try:
                while True:
                    f.write(b"\0" * (1 << 20))
            except OSError:
                pass
        status, body = api(server, token, "/api/v1/admin/articles", draft("diskfull", body_md="x " * 200000))
        print(f"     saving said: {status} {body[:200]}")
        check("disk full: saving an article answers 507 saying the disk is full",
              status == 507 and "disk is full" in body and server.p.poll() is None, f"{status} {body[:200]}")
        status, body = http(f"{server.url}/api/v1/admin/media", png(1600, 900, 40),
                            {"Content-Type": "application/octet-stream", "Authorization": f"Bearer {token}"})
        print(f"     uploading said: {status} {body[:200]}")
        check("disk full: uploading an image answers 507 saying the disk is full",
              status == 507 and "disk is full" in body and server.p.poll() is None, f"{status} {body[:200]}")
        check("disk full: the site keeps serving", http(f"{server.url}/en/")[0] == home_before == 200)
        server.stop()
        r = run(e, ["import", "wxr", "--no-images", os.path.join(ROOT, IMPORTS[0][1])], timeout=120)
        said = r.stderr.strip()
        print(f"     import said: {said[-300:]}")
        check("disk full: an import fails saying the disk is full",
              r.returncode != 0 and ("full" in said or "No space left" in said), f"exit {r.returncode}")
        os.truncate(filler, max(0, os.path.getsize(filler) - (1 << 20)))
        server = Server(e)
        check("disk full: the site starts and serves after the failed import, a megabyte freed",
              http(f"{server.url}/en/")[0] == 200)
        server.stop()
        os.remove(filler)
        con = sqlite3.connect(os.path.join(e.data, "arabpress.sqlite"))
        ok = con.execute("PRAGMA integrity_check").fetchone()[0]
        con.close()
        check("disk full: the database is intact (PRAGMA integrity_check)", ok == "ok", ok)
    finally:
        subprocess.run(["umount", "-l", mount], capture_output=True)


def make_token(engine):
    r = run(engine, ["token", "create", "--email", "editor@arabpress.example", "--name", "faults"], timeout=60)
    m = re.search(r": (apt_\S+)", r.stdout)
    if not m:
        raise SystemExit(f"no token: {r.stdout} {r.stderr}")
    return m.group(1)


def wanted(scenario):
    """FAULTS_ONLY=publish,import… runs only those scenarios (all by default)."""
    only = os.environ.get("FAULTS_ONLY", "")
    return not only or scenario in only.split(",")


def main():
    engines = [Engine("sqlite")]
    if PG_URL:
        engines.append(Engine("postgres", PG_URL))
    else:
        print("no PostgreSQL URL: the PostgreSQL half is skipped")
    try:
        for e in engines:
            token = make_demo(e)
            if not e.db_url and wanted("modes"):
                scenario_modes(e)
            if wanted("publish"):
                scenario_publish(e, token)
            if wanted("media"):
                scenario_media(e, token)
            if wanted("export"):
                scenario_export(e)
            if wanted("audio"):
                scenario_audio(e, token)
            if wanted("restore"):
                scenario_restore(e, e.pg, e.name)
        for e in engines:
            for kind, path in IMPORTS:
                if wanted("import"):
                    scenario_import(kind, path, e.pg, e.name)
        if wanted("diskfull"):
            scenario_disk_full(engines[0])
    finally:
        for p in procs:
            if p.poll() is None:
                kill(p)
        for e in engines:
            e.drop()
    if failed == 0:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"logs in {work}")
    print(f"{passed} passed, {failed} failed")
    sys.exit(0 if failed == 0 else 1)


main()
