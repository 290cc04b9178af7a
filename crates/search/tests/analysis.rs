//! The analyser against Lucene's Arabic test vectors (`testdata/lucene_vectors.tsv`).

// clippy.toml allows these in #[test] functions; this covers the helpers too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use arabpress_core::arabic;
use arabpress_search::analysis::{Analyzer, arabic_stem};
use std::collections::HashSet;
use std::sync::Arc;

fn vectors() -> Vec<(String, String, String)> {
    let text = arabpress_testkit::fixture_text("lucene_vectors.tsv");
    text.lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let mut cols = l.split('\t');
            let kind = cols.next().unwrap_or_default().to_owned();
            let input = cols.next().unwrap_or_default().to_owned();
            let expected = cols.next().unwrap_or_default().to_owned();
            (kind, input, expected)
        })
        .collect()
}

fn protecting(words: &str, keep_stop_words: bool) -> Analyzer {
    let protected: HashSet<String> = words.split(',').map(arabic::fold).collect();
    Analyzer {
        keep_stop_words,
        protected: Arc::new(protected),
    }
}

#[test]
fn passes_every_lucene_vector() {
    let rows = vectors();
    assert!(rows.len() >= 50, "only {} vectors read", rows.len());
    let mut failures = Vec::new();
    for (kind, input, expected) in &rows {
        let got = match kind.as_str() {
            "normalize" => arabic::fold(input),
            "stem" => arabic_stem(input).into_owned(),
            "stem_keyword" => protecting(input, false).analyze(input),
            "analyzer" => Analyzer::news().analyze(input),
            "analyzer_nostop" => Analyzer {
                keep_stop_words: true,
                ..Analyzer::default()
            }
            .analyze(input),
            k if k.starts_with("analyzer_nostop_exclusion[") => {
                let words = k
                    .trim_start_matches("analyzer_nostop_exclusion[")
                    .trim_end_matches(']');
                protecting(words, true).analyze(input)
            }
            other => panic!("unknown vector kind {other:?}"),
        };
        if &got != expected {
            failures.push(format!(
                "{kind} {input:?}: expected {expected:?}, got {got:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn arabic_inflections_share_a_term() {
    let a = Analyzer::news();
    for group in [
        ["الكتاب", "والكتاب", "بالكتاب", "كتاب"],
        ["المدرسة", "مدرسة", "للمدرسة", "المدرسه"],
        ["اللاعبون", "اللاعبين", "لاعبون", "ولاعبين"],
        ["أمريكا", "امريكا", "إمريكا", "آمريكا"],
    ] {
        let terms: HashSet<String> = group.iter().map(|w| a.analyze(w)).collect();
        assert_eq!(terms.len(), 1, "{group:?} gave {terms:?}");
    }
}

#[test]
fn marks_tatweel_and_digits_do_not_matter() {
    let a = Analyzer::news();
    assert_eq!(a.analyze("مُحَمَّـــد"), a.analyze("محمد"));
    assert_eq!(a.analyze("عام ٢٠٢٦"), a.analyze("عام 2026"));
}

#[test]
fn mixed_languages_in_one_text() {
    assert_eq!(
        Analyzer::news().analyze("قمة NATO في بروكسل والعقوبات on Russia"),
        "قم nato بروكسل عقوب russia"
    );
}
