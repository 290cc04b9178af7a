//! The search benchmark: `cargo bench -p arabpress-search --bench search [-- N]`.
//!
//! Generates N synthetic articles (default 100,000; half Arabic, half English) whose words
//! follow the frequencies of real text (the Arabic news corpus in `testdata/`, the English
//! demo content) with a Zipfian tail, indexes them on disk, then prints:
//! - the indexing rate, against tantivy's default tokenizer on the same documents;
//! - search latency p50 / p99 over 1,000 reader queries (snippets included), against a
//!   plain BM25 query through tantivy's default tokenizer and query parser;
//! - related-stories latency p50 over 200 articles.

use arabpress_core::Lang;
use arabpress_search::analysis::words;
use arabpress_search::{IndexDoc, RelatedQuery, SearchIndex, SearchQuery, WriterSize, simhash};
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::time::{Duration, Instant};
use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{STORED, Schema, TEXT};

/// A deterministic generator (xorshift64*), so every run indexes the same text.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Words with cumulative weights for sampling.
struct Vocabulary {
    words: Vec<String>,
    cumulative: Vec<f64>,
}

impl Vocabulary {
    /// Real word frequencies, then a tail of made-up words with Zipfian weights so the
    /// vocabulary reaches `size` words.
    fn new(counts: HashMap<String, u64>, size: usize, letters: &[char], rng: &mut Rng) -> Self {
        let mut ranked: Vec<(String, u64)> = counts.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let top = ranked.first().map_or(1, |r| r.1) as f64;
        let mut words = Vec::with_capacity(size);
        let mut weights = Vec::with_capacity(size);
        for (w, c) in ranked {
            words.push(w);
            weights.push(c as f64);
        }
        while words.len() < size {
            let rank = words.len() + 1;
            let len = 3 + rng.below(6);
            words.push(
                (0..len)
                    .map(|_| letters[rng.below(letters.len())])
                    .collect(),
            );
            weights.push(top / rank as f64);
        }
        let mut acc = 0.0;
        let cumulative = weights
            .iter()
            .map(|w| {
                acc += w;
                acc
            })
            .collect();
        Vocabulary { words, cumulative }
    }

    fn sample(&self, rng: &mut Rng) -> &str {
        let total = self.cumulative.last().copied().unwrap_or(1.0);
        let x = rng.unit() * total;
        let i = self.cumulative.partition_point(|c| *c < x);
        &self.words[i.min(self.words.len() - 1)]
    }

    fn text(&self, n: usize, rng: &mut Rng) -> String {
        let mut out = String::with_capacity(n * 8);
        for i in 0..n {
            if i > 0 {
                out.push_str(if i % 14 == 0 { ". " } else { " " });
            }
            out.push_str(self.sample(rng));
        }
        out
    }
}

fn count_words(texts: impl Iterator<Item = String>) -> HashMap<String, u64> {
    let mut counts = HashMap::new();
    for t in texts {
        for (_, w) in words(&t) {
            *counts.entry(w.to_owned()).or_default() += 1;
        }
    }
    counts
}

fn arabic_texts() -> Vec<String> {
    let path = arabpress_testkit::fixture_path("news_ar_antcorpus.jsonl.gz");
    let Ok(file) = std::fs::File::open(&path) else {
        eprintln!("cannot read {}", path.display());
        std::process::exit(2);
    };
    BufReader::new(flate2::read::GzDecoder::new(file))
        .lines()
        .map_while(Result::ok)
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(&l).ok())
        .map(|v| {
            format!(
                "{} {}",
                v["title"].as_str().unwrap_or(""),
                v["body"].as_str().unwrap_or("")
            )
        })
        .collect()
}

fn english_texts() -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../app/demo/content.toml");
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter(|l| !arabpress_core::arabic::has_arabic(l))
        .map(str::to_owned)
        .collect()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1_000.0
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let arabic_letters: Vec<char> = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي".chars().collect();
    let latin: Vec<char> = "abcdefghijklmnopqrstuvwxyz".chars().collect();
    let ar = Vocabulary::new(
        count_words(arabic_texts().into_iter()),
        120_000,
        &arabic_letters,
        &mut rng,
    );
    let en = Vocabulary::new(
        count_words(english_texts().into_iter()),
        60_000,
        &latin,
        &mut rng,
    );
    println!(
        "vocabulary: {} Arabic words, {} English words",
        ar.words.len(),
        en.words.len()
    );

    let start_time = jiff::Timestamp::from_second(1_700_000_000)?;
    let mut docs = Vec::with_capacity(n);
    for i in 0..n {
        let (lang, vocab) = if i % 2 == 0 {
            (Lang::Ar, &ar)
        } else {
            (Lang::En, &en)
        };
        let headline = vocab.text(9, &mut rng);
        let standfirst = vocab.text(25, &mut rng);
        let body = vocab.text(300, &mut rng);
        docs.push(IndexDoc {
            id: i as i64 + 1,
            lang,
            fingerprint: 0,
            tags: (0..2)
                .map(|_| {
                    let t = rng.below(300) as i64;
                    (t, format!("tag{t}"))
                })
                .collect(),
            section_id: 1 + rng.below(6) as i64,
            author_ids: vec![1 + rng.below(40) as i64],
            published_at: start_time + jiff::SignedDuration::from_mins(i as i64 * 15),
            translation_group: None,
            headline,
            standfirst,
            body,
        });
    }
    let words_per_doc = 9 + 25 + 300;
    println!("generated {n} articles of {words_per_doc} words");

    // Fingerprints are computed when an article is saved and read back from the store
    // when indexing; time them apart.
    let started = Instant::now();
    for d in &mut docs {
        d.fingerprint = simhash::fingerprint(&d.headline, &d.body);
    }
    let fp = started.elapsed();
    println!(
        "near-duplicate fingerprints: {:.0} articles/s (one thread, at save time)",
        n as f64 / fp.as_secs_f64()
    );

    // --- indexing: ours, then tantivy's default tokenizer on the same text
    let dir = tempfile::tempdir()?;
    let (ix, _) = SearchIndex::open_with(&dir.path().join("index"), WriterSize::Bulk)?;
    let started = Instant::now();
    for d in &docs {
        ix.add(d)?;
    }
    ix.commit(1)?;
    let ours = started.elapsed();
    let ours_rate = n as f64 / ours.as_secs_f64();

    let base_dir = tempfile::tempdir()?;
    let mut sb = Schema::builder();
    let headline = sb.add_text_field("headline", TEXT | STORED);
    let standfirst = sb.add_text_field("standfirst", TEXT | STORED);
    let body = sb.add_text_field("body", TEXT | STORED);
    let base = tantivy::Index::create_in_dir(base_dir.path(), sb.build())?;
    let mut writer: tantivy::IndexWriter = base.writer_with_num_threads(
        std::thread::available_parallelism().map_or(1, |n| n.get().min(4)),
        64 << 20,
    )?;
    let started = Instant::now();
    for d in &docs {
        let mut doc = tantivy::TantivyDocument::default();
        doc.add_text(headline, &d.headline);
        doc.add_text(standfirst, &d.standfirst);
        doc.add_text(body, &d.body);
        writer.add_document(doc)?;
    }
    writer.commit()?;
    let baseline = started.elapsed();
    let base_rate = n as f64 / baseline.as_secs_f64();
    println!(
        "indexing: {ours_rate:.0} articles/s ({:.1} s; target ≥ 5,000/s) — tantivy's default tokenizer: {base_rate:.0}/s — ratio {:.2}",
        ours.as_secs_f64(),
        ours_rate / base_rate
    );

    // --- searching
    let now = start_time + jiff::SignedDuration::from_mins(n as i64 * 15 + 60);
    let mut queries = Vec::with_capacity(1_000);
    for i in 0..1_000 {
        let vocab = if i % 2 == 0 { &ar } else { &en };
        let k = 1 + rng.below(3);
        // Mid-frequency words: what readers search for (names, places, topics).
        let q: Vec<&str> = (0..k)
            .map(|_| vocab.words[50 + rng.below(5_000)].as_str())
            .collect();
        queries.push((if i % 2 == 0 { Lang::Ar } else { Lang::En }, q.join(" ")));
    }
    let mut times = Vec::with_capacity(queries.len());
    let mut found = 0usize;
    for (lang, q) in &queries {
        let started = Instant::now();
        let r = ix.search(&SearchQuery {
            text: q,
            lang: Some(*lang),
            section_id: None,
            author_id: None,
            from: None,
            to: None,
            now,
            offset: 0,
            limit: 10,
        })?;
        times.push(started.elapsed());
        found += usize::from(r.total > 0);
    }
    times.sort();
    let reader = base.reader()?;
    let searcher = reader.searcher();
    let parser = QueryParser::for_index(&base, vec![headline, standfirst, body]);
    let mut base_times = Vec::with_capacity(queries.len());
    for (_, q) in &queries {
        let started = Instant::now();
        let query = parser.parse_query_lenient(q).0;
        let top = searcher.search(&query, &TopDocs::with_limit(10).order_by_score())?;
        for (_, addr) in top {
            let _doc: tantivy::TantivyDocument = searcher.doc(addr)?;
        }
        base_times.push(started.elapsed());
    }
    base_times.sort();
    let (p50, p99) = (percentile(&times, 0.5), percentile(&times, 0.99));
    let (b50, b99) = (percentile(&base_times, 0.5), percentile(&base_times, 0.99));
    println!(
        "search ({} queries, {found} with results, top 10 with snippets): p50 {:.2} ms, p99 {:.2} ms (targets 2 / 15 ms) — plain BM25 top 10: p50 {:.2} ms, p99 {:.2} ms — ratio p50 {:.2}, p99 {:.2}",
        queries.len(),
        ms(p50),
        ms(p99),
        ms(b50),
        ms(b99),
        ms(p50) / ms(b50).max(1e-6),
        ms(p99) / ms(b99).max(1e-6)
    );

    // --- related stories
    let mut rel_times = Vec::with_capacity(200);
    let mut related_found = 0;
    for i in 0..200 {
        let d = &docs[rng.below(docs.len())];
        let text = format!("{}\n\n{}", d.standfirst, d.body);
        let tags: Vec<i64> = d.tags.iter().map(|t| t.0).collect();
        let started = Instant::now();
        let r = ix.related(&RelatedQuery {
            id: d.id,
            lang: d.lang,
            headline: &d.headline,
            text: &text,
            tag_ids: &tags,
            section_id: d.section_id,
            published_at: d.published_at,
            translation_group: None,
            fingerprint: d.fingerprint,
            exclude: &[],
            now,
            limit: 8,
        })?;
        rel_times.push(started.elapsed());
        related_found += r.len();
        let _ = i;
    }
    rel_times.sort();
    println!(
        "related (200 articles, {:.1} found each): p50 {:.2} ms, p99 {:.2} ms (target p50 5 ms) — ratio p50 to plain BM25 search {:.2}",
        related_found as f64 / 200.0,
        ms(percentile(&rel_times, 0.5)),
        ms(percentile(&rel_times, 0.99)),
        ms(percentile(&rel_times, 0.5)) / ms(b50).max(1e-6)
    );
    Ok(())
}
