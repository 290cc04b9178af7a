"""Times pages of a running arabpress site, the newsroom's too: each path fetched five
times in a row, the median printed beside its target. Used by bench/archive.sh.
Usage: archive.py BASE_URL EMAIL PASSWORD PATH=TARGET_MS...   (a path under /admin is
fetched signed in as EMAIL)."""
import http.cookiejar
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

base, email, password, *paths = sys.argv[1:]
jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
login = opener.open(base + "/admin/login").read().decode()
csrf = re.search(r'name="csrf" value="([^"]+)"', login).group(1)
form = {"csrf": csrf, "email": email, "password": password}
opener.open(base + "/admin/login", urllib.parse.urlencode(form).encode()).read()

missed = 0
any_failed = False
print(f"{'page':58} {'status':>6} {'median':>9} {'target':>8}")
for arg in paths:
    path, target = arg.rsplit("=", 1)
    times, status = [], 0
    for _ in range(5):
        started = time.perf_counter()
        try:
            with opener.open(base + path) as r:
                r.read()
                status = r.status
        except urllib.error.HTTPError as e:
            status = e.code
        times.append((time.perf_counter() - started) * 1000)
    median = sorted(times)[2]
    any_failed |= status != 200
    ok = status == 200 and median <= float(target)
    missed += not ok
    print(f"{path:58} {status:>6} {median:>7.1f}ms {target:>6}ms {'' if ok else '  MISSED'}")
print(f"{len(paths) - missed} of {len(paths)} within target")
# A page that fails is an error; a slow one is a figure.
sys.exit(1 if any_failed else 0)
