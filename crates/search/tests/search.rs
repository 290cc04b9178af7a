//! Searching and relating articles through a real index: Arabic inflections, highlighting,
//! filters, paging, scheduling, spelling suggestions, bad input, related stories, and the
//! index's life on disk.

// clippy.toml allows these in #[test] functions; this covers the helpers too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use arabpress_core::Lang;
use arabpress_search::{
    IndexDoc, Matched, Opened, QueryProblem, RelatedQuery, SearchIndex, SearchQuery, simhash,
};
use jiff::Timestamp;

fn at(s: &str) -> Timestamp {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn now() -> Timestamp {
    at("2026-02-07T10:00:00Z")
}

fn doc(id: i64, lang: Lang, headline: &str, body: &str) -> IndexDoc {
    IndexDoc {
        id,
        lang,
        headline: headline.to_owned(),
        standfirst: String::new(),
        body: body.to_owned(),
        tags: Vec::new(),
        section_id: 1,
        author_ids: vec![1],
        published_at: at("2026-02-01T08:00:00Z"),
        translation_group: None,
        fingerprint: simhash::fingerprint(headline, body),
    }
}

fn query(text: &str) -> SearchQuery<'_> {
    SearchQuery {
        text,
        lang: None,
        section_id: None,
        author_id: None,
        from: None,
        to: None,
        now: now(),
        offset: 0,
        limit: 10,
    }
}

fn index(docs: &[IndexDoc]) -> SearchIndex {
    let ix = SearchIndex::in_memory().unwrap();
    for d in docs {
        ix.upsert(d).unwrap();
    }
    ix.commit(1).unwrap();
    ix
}

fn ids(ix: &SearchIndex, q: &SearchQuery<'_>) -> Vec<i64> {
    ix.search(q).unwrap().hits.iter().map(|h| h.id).collect()
}

fn arabic_corpus() -> Vec<IndexDoc> {
    vec![
        doc(
            1,
            Lang::Ar,
            "الاتحاد الأوروبي يفرض عقوبات جديدة على روسيا",
            "قرر وزراء الخارجية فرض حزمة جديدة من العقوبات على المصارف الروسية والطاقة.",
        ),
        doc(
            2,
            Lang::Ar,
            "المعلمون يضربون في المدارس الحكومية",
            "أضرب آلاف المعلمين اليوم مطالبين بزيادة الأجور في المدارس.",
        ),
        doc(
            3,
            Lang::Ar,
            "معرض الكتاب يفتح أبوابه",
            "افتُتح معرضُ الكتابِ الدوليُّ بمشاركة مئات الناشرين والكُتّاب.",
        ),
        doc(
            4,
            Lang::En,
            "EU imposes new sanctions on Russia",
            "Foreign ministers agreed a new package of sanctions on Russian banks and energy.",
        ),
    ]
}

#[test]
fn arabic_search_matches_inflected_forms() {
    let ix = index(&arabic_corpus());
    assert_eq!(ids(&ix, &query("والعقوبات")), [1]);
    assert_eq!(ids(&ix, &query("العقوبة الأوروبية")), [1]);
    assert_eq!(ids(&ix, &query("معلمين")), [2]);
    assert_eq!(ids(&ix, &query("مدارس")), [2]);
    assert_eq!(ids(&ix, &query("كتاب")), [3]);
    // Vowel marks in the query or in the text change nothing.
    assert_eq!(ids(&ix, &query("مَعْرِض")), [3]);
    assert_eq!(ids(&ix, &query("sanctioned")), [4]);
}

#[test]
fn language_filter_and_mixed_queries() {
    let ix = index(&arabic_corpus());
    let mut q = query("عقوبات sanctions");
    // No article has both words: the results fall back to either.
    let r = ix.search(&q).unwrap();
    assert_eq!(r.matched, Matched::SomeWords);
    assert_eq!(r.total, 2);
    q.lang = Some(Lang::En);
    assert_eq!(ids(&ix, &q), [4]);
}

#[test]
fn snippets_mark_whole_words_as_written() {
    let ix = index(&arabic_corpus());
    let r = ix.search(&query("عقوبات")).unwrap();
    let hit = &r.hits[0];
    let marked: Vec<String> = hit
        .snippet
        .segments()
        .into_iter()
        .filter(|(_, m)| *m)
        .map(|(s, _)| s)
        .collect();
    assert_eq!(marked, ["العقوبات"]);
    let headline_marks: Vec<String> = hit
        .headline
        .segments()
        .into_iter()
        .filter(|(_, m)| *m)
        .map(|(s, _)| s)
        .collect();
    assert_eq!(headline_marks, ["عقوبات"]);
}

#[test]
fn filters_paging_and_count() {
    let mut docs = Vec::new();
    for i in 0..25 {
        let mut d = doc(
            i,
            Lang::En,
            &format!("Budget debate day {i}"),
            "Parliament debated the budget.",
        );
        d.section_id = if i % 2 == 0 { 1 } else { 2 };
        d.author_ids = vec![if i < 5 { 7 } else { 8 }];
        d.published_at = at("2026-01-01T00:00:00Z") + jiff::SignedDuration::from_hours(24 * i);
        docs.push(d);
    }
    let ix = index(&docs);
    let mut q = query("budget");
    let r = ix.search(&q).unwrap();
    assert_eq!((r.total, r.hits.len()), (25, 10));
    // Equal relevance: the recency boost puts the newest first.
    assert_eq!(r.hits[0].id, 24);
    q.offset = 20;
    assert_eq!(ix.search(&q).unwrap().hits.len(), 5);
    q.offset = 0;
    q.section_id = Some(2);
    assert_eq!(ix.search(&q).unwrap().total, 12);
    q.section_id = None;
    q.author_id = Some(7);
    assert_eq!(ix.search(&q).unwrap().total, 5);
    q.author_id = None;
    q.from = Some(at("2026-01-10T00:00:00Z"));
    q.to = Some(at("2026-01-12T00:00:00Z"));
    let mut got = ids(&ix, &q);
    got.sort();
    assert_eq!(got, [9, 10, 11]);
}

#[test]
fn scheduled_articles_appear_at_their_time() {
    let mut d = doc(
        9,
        Lang::En,
        "Embargoed election results",
        "Results of the vote.",
    );
    d.published_at = at("2026-02-07T12:00:00Z");
    let ix = index(&[d]);
    assert!(ids(&ix, &query("election")).is_empty());
    let mut q = query("election");
    q.now = at("2026-02-07T12:00:01Z");
    assert_eq!(ids(&ix, &q), [9]);
}

#[test]
fn phrases_match_words_in_order() {
    let ix = index(&[
        doc(
            1,
            Lang::En,
            "Prime minister resigns",
            "The prime minister resigned today.",
        ),
        doc(
            2,
            Lang::En,
            "Minister praises prime location",
            "A minister spoke of a prime site.",
        ),
    ]);
    assert_eq!(ids(&ix, &query("\"prime minister\"")), [1]);
    // A quoted phrase is required beside loose words: the second article holds "spoke"
    // but not the phrase.
    assert_eq!(ids(&ix, &query("\"prime minister\" spoke")), [1]);
    let mut both = ids(&ix, &query("prime minister"));
    both.sort();
    assert_eq!(both, [1, 2]);
}

#[test]
fn spelling_suggestions_for_close_words() {
    let ix = index(&arabic_corpus());
    let r = ix.search(&query("sanctoins")).unwrap();
    assert_eq!(r.total, 0);
    assert_eq!(r.suggestion.as_deref(), Some("sanctions"));
    let r = ix.search(&query("عقوبت")).unwrap();
    assert_eq!(r.total, 0);
    assert_eq!(r.suggestion.as_deref(), Some("عقوبات"));
    // A misspelt word beside one that finds stories still gets its correction.
    let r = ix.search(&query("sanctoins Russia")).unwrap();
    assert!(r.total > 0);
    assert_eq!(r.suggestion.as_deref(), Some("sanctions Russia"));
    // Short words are not corrected, and far-off words get no suggestion.
    assert_eq!(ix.search(&query("ruza")).unwrap().suggestion, None);
    assert_eq!(ix.search(&query("xylophone")).unwrap().suggestion, None);
}

#[test]
fn bad_queries_get_answers_not_errors() {
    let ix = index(&arabic_corpus());
    for text in [
        "\"unbalanced quote",
        "«عقوبات",
        "\u{0}\u{1b}[31m\u{7f}",
        ")(*&^%$#@!",
        "field:value AND OR NOT",
        "",
        "   ",
    ] {
        let r = ix
            .search(&query(text))
            .unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert!(r.total <= 4, "{text:?}");
    }
    let long = "عقوبات ".repeat(5_000);
    let r = ix.search(&query(&long)).unwrap();
    assert!(r.truncated);
    assert_eq!(r.total, 1);
    let r = ix.search(&query("the of في من")).unwrap();
    assert_eq!(r.problem, Some(QueryProblem::OnlyStopWords));
    let r = ix.search(&query("")).unwrap();
    assert_eq!(r.problem, Some(QueryProblem::Empty));
}

#[test]
fn updates_and_deletes_take_effect_on_commit() {
    let ix = index(&arabic_corpus());
    let mut d = arabic_corpus().remove(3);
    d.headline = "EU lifts sanctions on Belarus".to_owned();
    ix.upsert(&d).unwrap();
    ix.delete(1).unwrap();
    ix.commit(2).unwrap();
    assert_eq!(ids(&ix, &query("belarus")), [4]);
    assert_eq!(ix.num_docs(), 3);
    assert!(ids(&ix, &query("عقوبات روسيا")).is_empty());
}

#[test]
fn the_index_on_disk_remembers_its_change_id_and_rebuilds_when_gone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index");
    {
        let (ix, opened) = SearchIndex::open(&path).unwrap();
        assert_eq!(opened, Opened::Empty);
        ix.upsert(&arabic_corpus()[0]).unwrap();
        ix.commit(41).unwrap();
        // A second writer on the same folder is refused with a clear error.
        let busy = match SearchIndex::open(&path) {
            Ok(_) => panic!("a second writer was allowed"),
            Err(e) => e.to_string(),
        };
        assert!(busy.contains("in use"), "{busy}");
    }
    let (ix, opened) = SearchIndex::open(&path).unwrap();
    assert_eq!(opened, Opened::Existing);
    assert_eq!(ix.change_id().unwrap(), 41);
    assert_eq!(ix.num_docs(), 1);
    drop(ix);
    std::fs::remove_dir_all(&path).unwrap();
    let (ix, opened) = SearchIndex::open(&path).unwrap();
    assert_eq!(opened, Opened::Empty);
    assert_eq!(ix.num_docs(), 0);
}

// --- related stories -------------------------------------------------------------------

fn tagged(mut d: IndexDoc, tags: &[i64], section: i64, day: i64) -> IndexDoc {
    d.tags = tags.iter().map(|t| (*t, format!("tag{t}"))).collect();
    d.section_id = section;
    d.published_at = at("2026-01-01T00:00:00Z") + jiff::SignedDuration::from_hours(24 * day);
    d
}

fn related_corpus() -> Vec<IndexDoc> {
    // Tags: 1 Russia, 2 Ukraine, 3 sanctions, 4 football, 5 climate. Sections: 1 world,
    // 2 sport, 3 science.
    vec![
        tagged(
            doc(
                1,
                Lang::En,
                "EU agrees new sanctions on Russia over Ukraine war",
                "European Union governments agreed a fresh package of sanctions on Russia, targeting banks, \
             oil exports and the shadow fleet that carries Russian crude, as the war in Ukraine entered its fifth year.",
            ),
            &[1, 3],
            1,
            30,
        ),
        tagged(
            doc(
                2,
                Lang::En,
                "Russia says Western sanctions will not change its course in Ukraine",
                "The Kremlin dismissed the latest Western sanctions, saying Russian banks had adapted and that \
             its military campaign in Ukraine would continue.",
            ),
            &[1, 2, 3],
            1,
            31,
        ),
        tagged(
            doc(
                3,
                Lang::En,
                "Ukraine asks allies for air defence as Russian strikes hit power grid",
                "Kyiv urged its allies to send more air defence systems after Russian missiles struck power \
             stations across Ukraine overnight.",
            ),
            &[1, 2],
            1,
            29,
        ),
        tagged(
            doc(
                4,
                Lang::En,
                "Oil prices rise as traders weigh sanctions on Russian crude",
                "Brent crude rose after the European Union tightened sanctions on Russian oil exports and the \
             price cap on tankers of the shadow fleet.",
            ),
            &[1, 3],
            1,
            30,
        ),
        tagged(
            doc(
                5,
                Lang::En,
                "City win the league title on the final day",
                "City won the football league on the final day of the season, beating United three goals to \
             one in front of a sold-out stadium.",
            ),
            &[4],
            2,
            30,
        ),
        tagged(
            doc(
                6,
                Lang::En,
                "Glaciers in the Alps lost a record share of their ice",
                "Swiss scientists measured record ice loss on Alpine glaciers after a hot summer and a dry \
             winter, a sign of a warming climate.",
            ),
            &[5],
            3,
            28,
        ),
        tagged(
            doc(
                7,
                Lang::En,
                "Russia and Ukraine exchange prisoners of war",
                "Russia and Ukraine exchanged hundreds of prisoners of war in a deal brokered by the United \
             Arab Emirates, the latest swap since the war began.",
            ),
            &[1, 2],
            1,
            25,
        ),
    ]
}

fn related_of(ix: &SearchIndex, d: &IndexDoc, exclude: &[i64]) -> Vec<i64> {
    ix.related(&RelatedQuery {
        id: d.id,
        lang: d.lang,
        headline: &d.headline,
        text: &d.body,
        tag_ids: &d.tags.iter().map(|t| t.0).collect::<Vec<_>>(),
        section_id: d.section_id,
        published_at: d.published_at,
        translation_group: d.translation_group,
        fingerprint: d.fingerprint,
        exclude,
        now: now(),
        limit: 6,
    })
    .unwrap()
}

#[test]
fn sanctions_on_russia_relate_to_russia_ukraine_and_sanctions_not_sport() {
    let mut corpus = related_corpus();
    // A second sports story, sharing no words with the first.
    corpus.push(tagged(
        doc(
            8,
            Lang::En,
            "Marathon route announced",
            "Runners will cross the bridge twice.",
        ),
        &[],
        2,
        10,
    ));
    let ix = index(&corpus);
    let related = related_of(&ix, &corpus[0], &[]);
    assert!(!related.contains(&1), "never itself: {related:?}");
    assert!(!related.contains(&5), "not the football story: {related:?}");
    assert!(!related.contains(&6), "not the glaciers story: {related:?}");
    assert_eq!(related.len(), 4, "{related:?}");
    // The two stories about sanctions on Russia come before the others.
    let mut first_two = related[..2].to_vec();
    first_two.sort();
    assert_eq!(first_two, [2, 4], "{related:?}");
    // The football story relates to nothing about the war: its section's other story,
    // which shares no words with it, comes before any of them, and they only make up the
    // number after it (its section is thin).
    let sport = related_of(&ix, &corpus[4], &[]);
    assert_eq!(sport.first(), Some(&8), "{sport:?}");
    assert_eq!(sport.len(), arabpress_search::RELATED_FILL, "{sport:?}");
    assert!(
        sport[1..].iter().all(|id| [1, 2, 3, 4].contains(id)),
        "then the nearest in time of its language: {sport:?}"
    );
}

#[test]
fn a_story_that_shares_no_words_is_given_the_nearest_of_its_own_section() {
    let mut corpus = related_corpus();
    let library = tagged(
        doc(
            11,
            Lang::En,
            "Council opens a library wing in the old town",
            "The reading rooms will stay open late during exams, librarians said.",
        ),
        &[],
        1,
        30,
    );
    let future = tagged(
        doc(12, Lang::En, "Budget vote", "Not public yet."),
        &[],
        1,
        45,
    );
    let arabic = tagged(
        doc(13, Lang::Ar, "مكتبة جديدة", "قاعات القراءة."),
        &[],
        1,
        30,
    );
    corpus.extend([library.clone(), future, arabic]);
    let ix = index(&corpus);
    let mut related = related_of(&ix, &library, &[]);
    assert_eq!(related.len(), arabpress_search::RELATED_FILL, "{related:?}");
    related.sort_unstable();
    assert_eq!(
        related,
        [1, 2, 3, 4],
        "the nearest in time of its own section and language, nothing unpublished"
    );
    // Alone in its section: the rest of its language makes up the number, nearest in time
    // first, never the Arabic story or the one not public yet.
    let glaciers = related_of(&ix, &corpus[5], &[]);
    assert_eq!(
        glaciers.len(),
        arabpress_search::RELATED_FILL,
        "{glaciers:?}"
    );
    assert_eq!(glaciers.first(), Some(&3), "a day apart: {glaciers:?}");
    assert!(
        glaciers
            .iter()
            .all(|id| [1, 2, 3, 4, 5, 7, 11].contains(id)),
        "{glaciers:?}"
    );
}

#[test]
fn a_thin_section_is_made_up_from_the_rest_of_its_language() {
    // Section 4, culture, holds two stories that share no words with anything else.
    let mut corpus = related_corpus();
    let opera = tagged(
        doc(
            20,
            Lang::En,
            "Opera house reopens after a decade of restoration",
            "Painters regilded the ceiling and carpenters rebuilt the stage machinery; the first \
             performance sold out within minutes.",
        ),
        &[],
        4,
        30,
    );
    let poet = tagged(
        doc(
            21,
            Lang::En,
            "A poet's letters found in an attic",
            "Bundles of handwritten correspondence surfaced during a house clearance.",
        ),
        &[],
        4,
        20,
    );
    // Elsewhere: a wire copy of the opera story, the Arabic desk, a scheduled story, and the
    // opera story's Arabic translation.
    let mut copy = opera.clone();
    copy.id = 22;
    copy.section_id = 1;
    copy.body.push_str(" (AFP)");
    copy.fingerprint = simhash::fingerprint(&copy.headline, &copy.body);
    let arabic = tagged(
        doc(
            23,
            Lang::Ar,
            "افتتاح دار الأوبرا",
            "بعد عشر سنوات من الترميم.",
        ),
        &[],
        1,
        30,
    );
    let mut translation = tagged(
        doc(
            24,
            Lang::Ar,
            "دار الأوبرا تعيد فتح أبوابها",
            "بعد ترميم دام عقدا.",
        ),
        &[],
        4,
        30,
    );
    translation.translation_group = Some(20);
    let mut opera = opera;
    opera.translation_group = Some(20);
    let scheduled = tagged(
        doc(25, Lang::En, "Festival line-up", "Not public yet."),
        &[],
        2,
        40,
    );
    corpus.extend([
        opera.clone(),
        poet.clone(),
        copy,
        arabic,
        translation,
        scheduled,
    ]);
    let ix = index(&corpus);

    let related = related_of(&ix, &opera, &[]);
    assert_eq!(related.len(), arabpress_search::RELATED_FILL, "{related:?}");
    assert_eq!(
        related.first(),
        Some(&21),
        "its own section first: {related:?}"
    );
    let mut unique = related.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), related.len(), "no story twice: {related:?}");
    assert!(
        related
            .iter()
            .all(|id| [1, 2, 3, 4, 5, 6, 7, 21].contains(id)),
        "other English stories only; never itself, its wire copy, its translation, \
         the Arabic desk or a scheduled story: {related:?}"
    );
    // The stories of its own days, not the section's old one's.
    let mut days_apart = related[1..].to_vec();
    days_apart.sort_unstable();
    assert_eq!(days_apart, [1, 4, 5], "published the same day: {related:?}");

    // The older story of the thin section gets its one neighbour and three more.
    let related = related_of(&ix, &poet, &[]);
    assert_eq!(related.len(), arabpress_search::RELATED_FILL, "{related:?}");
    assert!(related.contains(&20), "{related:?}");
    assert!(!related.contains(&22), "one copy of a story: {related:?}");
    assert!(
        related
            .iter()
            .all(|id| [1, 2, 3, 4, 5, 6, 7, 20].contains(id)),
        "{related:?}"
    );
}

const OIL_STORY: &str = " Traders said the measures would tighten supply in Asian markets, where \
    most Russian crude has been sold since the invasion. Analysts expect refiners in India and China \
    to seek other suppliers in the Gulf, and freight rates for tankers outside the shadow fleet rose \
    to their highest level this winter. The price of diesel in Europe also increased.";

#[test]
fn related_leaves_out_translations_near_duplicates_and_puts_same_language_first() {
    let mut corpus = related_corpus();
    // A wire copy of story 4, lightly edited.
    corpus[3].body.push_str(OIL_STORY);
    corpus[3].fingerprint = simhash::fingerprint(&corpus[3].headline, &corpus[3].body);
    let copy = doc(
        8,
        Lang::En,
        "Oil prices rise as traders weigh sanctions on Russian crude",
        &format!("{} (Reuters)", corpus[3].body.replace("rose", "climbed")),
    );
    corpus.push(tagged(copy, &[1, 3], 1, 30));
    // An Arabic translation of story 1, and an Arabic story on the same subject.
    let mut ar = tagged(
        doc(
            9,
            Lang::Ar,
            "الاتحاد الأوروبي يتفق على عقوبات جديدة على روسيا",
            "اتفقت حكومات الاتحاد الأوروبي على حزمة جديدة من العقوبات على روسيا.",
        ),
        &[],
        1,
        30,
    );
    ar.translation_group = Some(1);
    corpus[0].translation_group = Some(1);
    corpus.push(ar);
    let mut other = tagged(
        doc(
            10,
            Lang::Ar,
            "روسيا ترد على العقوبات",
            "قالت روسيا إن العقوبات لن تغير شيئا.",
        ),
        &[1],
        1,
        30,
    );
    other.tags = vec![(1, "Russia".to_owned())];
    corpus.push(other);
    let ix = index(&corpus);
    let related = related_of(&ix, &corpus[0], &[]);
    assert!(
        !related.contains(&9),
        "never its own translation: {related:?}"
    );
    assert!(
        !(related.contains(&4) && related.contains(&8)),
        "never two near-duplicates: {related:?}"
    );
    // English stories first, then the Arabic one sharing the Russia tag.
    let pos_ar = related.iter().position(|&i| i == 10);
    assert!(pos_ar.is_some(), "{related:?}");
    assert!(
        related[..pos_ar.unwrap_or(0)].iter().all(|&i| i <= 8),
        "{related:?}"
    );
}

#[test]
fn long_bodies_give_a_passage_around_the_match_with_ellipses() {
    let filler = "The council met again and discussed the budget at length. ".repeat(20);
    let body = format!("{filler} A surprise vote on desalination followed. {filler}");
    let ix = index(&[doc(1, Lang::En, "Council meets", &body)]);
    let r = ix.search(&query("desalination")).unwrap();
    let s = &r.hits[0].snippet;
    assert!(
        s.text.starts_with("… ") && s.text.ends_with(" …"),
        "{:?}",
        s.text
    );
    assert!(s.text.len() < 400, "{}", s.text.len());
    let marked: Vec<String> = s
        .segments()
        .into_iter()
        .filter(|x| x.1)
        .map(|x| x.0)
        .collect();
    assert_eq!(marked, ["desalination"]);
}

/// The recency boost orders stories of like relevance newest first (see `filters_paging_and_count`),
/// but cannot put a fresh story holding some of the words, however often, above an old one
/// that holds them all.
#[test]
fn recency_cannot_bury_an_exact_answer() {
    let mut docs = Vec::new();
    for (i, (h, b)) in [
        (
            "Markets close higher",
            "Shares rose in Cairo and Riyadh as oil prices climbed.",
        ),
        (
            "Football league resumes",
            "The season restarts after the winter break.",
        ),
        (
            "Rain expected on the coast",
            "Forecasters expect heavy rain in Alexandria.",
        ),
        (
            "Parliament passes budget",
            "The vote passed with a large majority.",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        docs.push(doc(10 + i as i64, Lang::En, h, b));
    }
    let mut answer = doc(
        1,
        Lang::En,
        "Egypt and Ethiopia resume talks on the Nile dam",
        "Negotiators from Egypt and Ethiopia met in Addis Ababa to resume talks on filling \
         the reservoir of the Nile dam, the ministry said.",
    );
    answer.published_at = at("2025-06-01T08:00:00Z");
    let mut fresh = doc(
        2,
        Lang::En,
        "Ethiopia talks: ministers meet again",
        "Ministers from Ethiopia held talks with neighbours on trade; the talks will continue \
         next week, Ethiopia's ministry said after the talks.",
    );
    fresh.published_at = now() - jiff::SignedDuration::from_hours(1);
    docs.push(answer);
    docs.push(fresh);
    let ix = index(&docs);
    // (A boost of 4 for the fresh story, not the 1.5 at most it gets, would bury it.)
    assert_eq!(ids(&ix, &query("Nile dam talks Ethiopia"))[..2], [1, 2]);
}

/// In a question of several words, a story where they stand together ranks above one
/// where the same words lie scattered.
#[test]
fn words_standing_together_rank_higher() {
    // The same words, as often, in texts of the same length.
    let ix = index(&[
        doc(
            1,
            Lang::En,
            "Annual report",
            "River levels fell. The dam stands idle. Its reservoir will fill in spring.",
        ),
        doc(
            2,
            Lang::En,
            "Annual report",
            "The river dam reservoir will fill in spring. Levels fell. It stands idle.",
        ),
    ]);
    assert_eq!(
        ids(&ix, &query("when will the river dam reservoir fill")),
        [2, 1]
    );
}
