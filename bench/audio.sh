#!/usr/bin/env bash
# Spoken-article benchmark (loopback only, bounded: two speeches, three 10-second wrk runs,
# one back-fill stopped after its run).
#
# Builds the release binary and prints:
#   1. the real-time factor (seconds of audio per CPU second, engine processes included) of
#      a 1,000-word Arabic and a 1,000-word English article spoken by `arabpress audio say`,
#      beside espeak-ng alone on the same text (the baseline: no vowel marks, no MP3), and the
#      MP3 size per minute of audio;
#   2. page throughput for one Arabic article page with nothing else running, and while
#      `arabpress audio build --all` back-fills the site's 2,000+ articles (the engine under
#      nice), beside nginx serving the same bytes.
# Usage: bench/audio.sh [SECONDS] [CONNECTIONS] [WORDS] [ARCHIVE]
#   (defaults 10, 64, 1000 words, 2000 archive articles; a quick check that it works:
#   ARABPRESS_BIN=target/debug/arabpress bench/audio.sh 1 4 50 20)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
secs=${1:-10}
conns=${2:-64}
words=${3:-1000}
archive=${4:-2000}
port=18190
nginx_port=18191

bench_tools wrk nginx curl espeak-ng lame time
bench_binary
bench_setup

echo "== speaking $words-word articles"
declare -A rtf bare size
for lang in ar en; do
  python3 bench/audio_text.py "$lang" "$words" >"$tmp/$lang.txt"
  /usr/bin/time -f '%U %S' -o "$tmp/$lang.time" \
    "$bin" audio say --data "$tmp/say" --lang "$lang" --out "$tmp/$lang.mp3" "$(cat "$tmp/$lang.txt")" >"$tmp/$lang.out"
  audio_s=$(sed -n 's/.*: \([0-9.]*\) s, \([0-9]*\) bytes.*/\1/p' "$tmp/$lang.out")
  bytes=$(stat -c %s "$tmp/$lang.mp3")
  cpu=$(awk '{print $1 + $2}' "$tmp/$lang.time")
  rtf[$lang]=$(python3 -c "print(round($audio_s / $cpu, 1))")
  size[$lang]=$(python3 -c "print(round($bytes / ($audio_s / 60) / 1024))")
  voice=$([[ $lang == ar ]] && echo ar || echo en-us)
  /usr/bin/time -f '%U %S' -o "$tmp/$lang.bare.time" espeak-ng -v "$voice" -s 160 --stdout -f "$tmp/$lang.txt" >"$tmp/$lang.wav"
  bare_s=$(python3 -c "import os; print((os.path.getsize('$tmp/$lang.wav') - 44) / 44100)")
  bare_cpu=$(awk '{print $1 + $2}' "$tmp/$lang.bare.time")
  bare[$lang]=$(python3 -c "print(round($bare_s / $bare_cpu, 1))")
  echo "   $lang: ${audio_s} s of audio in ${cpu} s of CPU; espeak-ng alone ${bare_s} s in ${bare_cpu} s"
done

echo "== a site of $archive+ articles, audio off in the server (the back-fill runs beside it)"
ARABPRESS_AUDIO=off bench_start server $port demo --data "$tmp/data" --archive "$archive"
url="http://127.0.0.1:$port$(bench_quote "$bench_article")"
mkdir -p "$tmp/www"
curl -fs "$url" -o "$tmp/www/article.html"
bench_nginx $nginx_port

idle=$(bench_wrk -t2 -c"$conns" -d"${secs}s" "$url" | rps)
echo "   idle: $idle requests/s"
RUST_LOG=warn $bin audio build --all --data "$tmp/data" >"$tmp/backfill.log" 2>&1 &
backfill=$!
bench_track "$backfill"
sleep 2
during=$(bench_wrk -t2 -c"$conns" -d"${secs}s" "$url" | rps)
bench_stop "$backfill"
spoken=$(ARABPRESS_AUDIO=off $bin audio status --data "$tmp/data" | sed -n 's/.*: \([0-9]*\) with audio.*/\1/p')
echo "   during the back-fill: $during requests/s ($spoken articles spoken by then)"
nginx_rps=$(bench_wrk -t2 -c"$conns" -d"${secs}s" "http://127.0.0.1:$nginx_port/article.html" | rps)

echo
echo "RESULTS (release build, 2 cores; real-time factor = seconds of audio per CPU second)"
for lang in ar en; do
  printf '  %s, %d words     real-time factor %6.1f   espeak-ng alone %6.1f   (%.2f x)   %d KB per minute of audio\n' \
    "$lang" "$words" "${rtf[$lang]}" "${bare[$lang]}" "$(python3 -c "print(${rtf[$lang]} / ${bare[$lang]})")" "${size[$lang]}"
done
printf '  article page, idle            %8.0f req/s\n' "$idle"
printf '  article page, during back-fill %7.0f req/s   %.2f x idle\n' "$during" "$(python3 -c "print($during / $idle)")"
printf '  nginx, same bytes             %8.0f req/s   back-fill = %.2f x nginx\n' "$nginx_rps" "$(python3 -c "print($during / $nginx_rps)")"
