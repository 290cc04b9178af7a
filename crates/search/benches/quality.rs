//! The search quality benchmark: `bench/search-quality.sh`
//! (`cargo bench -p arabpress-search --bench quality`).
//!
//! Prints MRR@10, Recall@1, Recall@10 and the share of questions with no result for the
//! site's search (the code behind `/api/v1/search`, near-duplicates grouped as the
//! application groups them) beside tantivy's BM25 over the same analyser (one field, OR of
//! the words), run in the same command on the same documents:
//! - ARCD's 693 questions about Arabic Wikipedia paragraphs, as written;
//! - the same questions with their question words left out;
//! - and the ANT corpus known-item check (inflected headlines found in the top three).

#[path = "../tests/support/retrieval.rs"]
mod retrieval;

use retrieval::{arcd, as_written, bm25, inflected_headlines, ours, shown, without_question_words};

fn main() {
    let (docs, questions) = arcd();
    if std::env::var("XP_DIAG").is_ok() {
        diag(&docs);
        return;
    }
    println!(
        "ARCD train: {} distinct paragraphs, {} questions",
        docs.len(),
        questions.len()
    );
    let shown = shown(&docs);
    let hidden = questions.iter().filter(|q| !shown[q.answer]).count();
    println!(
        "grouped away as near-duplicates: {} paragraphs, the answer to {hidden} questions",
        shown.iter().filter(|s| !**s).count()
    );
    for (name, ask) in [
        ("questions as written", as_written as retrieval::Ask),
        ("question words left out", without_question_words),
    ] {
        let a = ours(&docs, &questions, ask);
        let b = bm25(&docs, &questions, ask);
        println!("{name}:");
        println!("  arabpress: {a}");
        println!("  BM25:      {b}");
        println!(
            "  ratio MRR@10 {:.2}, Recall@10 {:.2}",
            a.mrr10 / b.mrr10.max(1e-9),
            a.recall10 / b.recall10.max(1e-9)
        );
    }
    let (found, sample, _) = inflected_headlines();
    println!(
        "ANT corpus, inflected headline in the top 3: {found}/{sample} = {:.1}%",
        found as f64 * 100.0 / sample as f64
    );
}

#[allow(dead_code)]
fn diag(docs: &[retrieval::Doc]) {
    use arabpress_search::simhash;
    use std::collections::HashSet;
    let prints: Vec<u64> = docs
        .iter()
        .map(|d| simhash::fingerprint(&d.headline, &d.body))
        .collect();
    let sh = |t: &str| -> HashSet<String> {
        let w: Vec<&str> = arabpress_search::analysis::words(t)
            .map(|(_, w)| w)
            .collect();
        w.windows(3).map(|x| x.join(" ")).collect()
    };
    for i in 0..docs.len() {
        for j in 0..i {
            if simhash::near_duplicates(prints[i], prints[j]) {
                let (a, b) = (sh(&docs[i].body), sh(&docs[j].body));
                let inter = a.intersection(&b).count() as f64;
                println!(
                    "{i}~{j} d={} len {} / {} jaccard {:.2} contain {:.2}/{:.2} | {} | {}",
                    simhash::distance(prints[i], prints[j]),
                    docs[i].body.len(),
                    docs[j].body.len(),
                    inter / (a.union(&b).count() as f64),
                    inter / a.len() as f64,
                    inter / b.len() as f64,
                    docs[i].headline,
                    docs[j].headline
                );
            }
        }
    }
}
