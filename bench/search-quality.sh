#!/usr/bin/env bash
# Search quality benchmark (in-process, a few seconds): the site's search against
# tantivy's BM25 over the same analyser, on ARCD's real Arabic questions about Wikipedia
# paragraphs (as written, and with the question words left out), and the ANT corpus
# known-item check. Prints MRR@10, Recall@1, Recall@10 and the share with no result.
# Usage: bench/search-quality.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench -p arabpress-search --bench quality --locked
