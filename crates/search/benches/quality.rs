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

use retrieval::{
    arcd, as_written, bm25, grouping_labelled, inflected_headlines, leads, ours,
    without_question_words,
};

fn main() {
    let (docs, questions) = arcd();
    println!(
        "ARCD train: {} distinct paragraphs, {} questions",
        docs.len(),
        questions.len()
    );
    let leads = leads(&docs);
    let grouped = (0..docs.len()).filter(|&i| leads[i] != i).count();
    let moved = questions
        .iter()
        .filter(|q| leads[q.answer] != q.answer)
        .count();
    println!(
        "grouped under a fuller version as near-duplicates: {grouped} paragraphs; {moved} questions are answered by the fuller version"
    );
    for (name, ask) in [
        ("questions as written", as_written as retrieval::Ask),
        ("question words left out", without_question_words),
    ] {
        let a = ours(&docs, &questions, ask, true);
        let alone = ours(&docs, &questions, ask, false);
        let b = bm25(&docs, &questions, ask);
        println!("{name}:");
        println!("  arabpress: {a}");
        println!("  arabpress, nothing grouped (the ranking alone): {alone}");
        println!("  BM25:      {b}");
        println!(
            "  ratio MRR@10 {:.2}, Recall@10 {:.2}",
            a.mrr10 / b.mrr10.max(1e-9),
            a.recall10 / b.recall10.max(1e-9)
        );
    }
    let (missed, copies, grouped, near) = grouping_labelled();
    println!(
        "grouping, labelled set from the ANT corpus: {missed} of {copies} copies of a story missed; {grouped} of {near} pairs of different stories with near fingerprints grouped after reading their words"
    );
    let (found, sample, _) = inflected_headlines();
    println!(
        "ANT corpus, inflected headline in the top 3: {found}/{sample} = {:.1}%",
        found as f64 * 100.0 / sample as f64
    );
}
