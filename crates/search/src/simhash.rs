//! Near-duplicate detection: a 64-bit SimHash (Charikar) of a story's headline and body.
//!
//! The text is analysed as for search (so vowel marks, hamza forms, prefixes and plural
//! endings do not matter), and each term and each pair of neighbouring terms votes on every bit
//! through its hash. Two wire versions of one story, differing in a few words, a credit
//! line or punctuation, land a few bits apart; different stories land about 32 bits apart.

use crate::analysis::Analyzer;

/// Fingerprints within this many differing bits may be the same story; [`same_story`]
/// decides on the words. Short stories move more bits for the same edit, and a longer
/// version of a story (a paragraph more, or a shorter version of it) moves 11 to 16: over
/// a labelled set written from the ANT corpus (`bench/search-quality.sh`), 10 bits missed
/// 171 of 800 copies, 16 bits 7. Different stories come this close about once in 8,000
/// pairs, and the words tell them apart.
pub const NEAR_DUPLICATE_BITS: u32 = 16;

/// Fingerprints within this many bits are the same story without reading the words: two
/// different stories of the test corpus come this close about once in a million pairs.
/// For choices made without the text at hand (related stories skip one of two copies).
pub const SAME_STORY_BITS: u32 = 10;

/// Terms per shingle.
const SHINGLE: usize = 2;

/// The fingerprint of a story. The headline counts as much as a paragraph of body.
pub fn fingerprint(headline: &str, body: &str) -> u64 {
    let analyzer = Analyzer::news();
    let mut terms: Vec<String> = analyzer
        .tokens(headline)
        .into_iter()
        .map(|t| t.text)
        .collect();
    terms.extend(analyzer.tokens(body).into_iter().map(|t| t.text));
    let mut votes = [0i64; 64];
    let mut vote = |h: u64| {
        for (bit, v) in votes.iter_mut().enumerate() {
            if h >> bit & 1 == 1 {
                *v += 1;
            } else {
                *v -= 1;
            }
        }
    };
    for t in &terms {
        vote(fnv1a(t.as_bytes()));
    }
    for w in terms.windows(SHINGLE) {
        let mut h = FNV_OFFSET;
        for t in w {
            h = fnv1a_from(h, t.as_bytes());
            h = fnv1a_from(h, b"\x1f");
        }
        vote(mix(h));
    }
    votes.iter().enumerate().fold(
        0u64,
        |acc, (bit, v)| if *v > 0 { acc | 1 << bit } else { acc },
    )
}

/// How many bits two fingerprints differ in.
pub fn distance(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// True when two fingerprints are near enough for the texts to be compared
/// ([`same_story`]).
pub fn near_duplicates(a: u64, b: u64) -> bool {
    distance(a, b) <= NEAR_DUPLICATE_BITS
}

/// True when two fingerprints are of the same story, the words unread (see
/// [`SAME_STORY_BITS`]).
pub fn same_story_by_fingerprint(a: u64, b: u64) -> bool {
    distance(a, b) <= SAME_STORY_BITS
}

/// The share of the shorter text's word triples that [`same_story`] asks to find in the
/// longer one. Copies of one story share most of theirs: a wire copy with a credit line, a
/// longer or shorter version, a reworded one (0.70 to 1.0 over ARCD's repeated paragraphs
/// and the labelled copies of `bench/search-quality.sh`). Different stories whose
/// fingerprints come close share fewer: two days' weather forecasts from one template
/// 0.54, long biographies full of the same «بن» name chains 0.02.
pub const SAME_STORY_OVERLAP: f64 = 0.6;

/// True when two texts whose fingerprints are near (see [`near_duplicates`]) are the same
/// story read on their words: at least [`SAME_STORY_OVERLAP`] of the shorter's triples of
/// neighbouring terms stand in the longer. SimHash alone pairs some long, repetitive texts.
pub fn same_story(a: &str, b: &str) -> bool {
    overlap(a, b) >= SAME_STORY_OVERLAP
}

/// The share of the shorter text's triples of neighbouring terms (analysed as for search)
/// found in the longer text; 0 when either has none.
pub fn overlap(a: &str, b: &str) -> f64 {
    let (a, b) = (triples(a), triples(b));
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if short.is_empty() {
        return 0.0;
    }
    short.iter().filter(|t| long.contains(*t)).count() as f64 / short.len() as f64
}

/// True when `a` is a fuller telling of the story than `b`: it holds a tenth more terms or
/// more, so a credit line or a corrected word does not make it so.
pub fn fuller(a: &str, b: &str) -> bool {
    let terms = |t: &str| Analyzer::news().tokens(t).len();
    terms(a) * 10 >= terms(b) * 11
}

fn triples(text: &str) -> std::collections::HashSet<u64> {
    let terms: Vec<String> = Analyzer::news()
        .tokens(text)
        .into_iter()
        .map(|t| t.text)
        .collect();
    terms
        .windows(3)
        .map(|w| {
            w.iter().fold(FNV_OFFSET, |h, t| {
                fnv1a_from(fnv1a_from(h, t.as_bytes()), b"\x1f")
            })
        })
        .collect()
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

fn fnv1a_from(mut h: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn fnv1a(bytes: &[u8]) -> u64 {
    mix(fnv1a_from(FNV_OFFSET, bytes))
}

/// The SplitMix64 finaliser: FNV's high bits are weak, and SimHash needs every bit fair.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "أعلن الاتحاد الأوروبي اليوم حزمة جديدة من العقوبات على روسيا تشمل قطاع الطاقة \
        والمصارف، وقال مسؤولون إن الحزمة تستهدف تمويل الحرب في أوكرانيا وتجميد أصول شركات \
        الشحن التي تنقل النفط الروسي بأسعار تتجاوز السقف المتفق عليه بين الدول الصناعية السبع.";

    #[test]
    fn a_rewired_copy_is_a_near_duplicate() {
        let a = fingerprint("الاتحاد الأوروبي يفرض عقوبات جديدة على روسيا", BODY);
        let copy = BODY.replace("اليوم", "الثلاثاء").replace("،", " ") + " (رويترز)";
        let b = fingerprint("الاتحاد الاوروبي يفرض عقوبات جديدة على روسيا", &copy);
        assert!(near_duplicates(a, b), "distance {}", distance(a, b));
    }

    #[test]
    fn the_text_decides_what_the_fingerprint_suggests() {
        // A longer version of a story holds all of the shorter one's word triples.
        let longer = format!("{BODY} وأضاف المسؤولون أن الحزمة ستدخل حيز التنفيذ الشهر المقبل.");
        assert!((overlap(BODY, &longer) - 1.0).abs() < 1e-9);
        assert!(same_story(&longer, BODY));
        assert!(fuller(&longer, BODY) && !fuller(BODY, &longer));
        assert!(!fuller(&format!("{BODY} (رويترز)"), BODY));
        // Two biographies built from the same name chain share its words, not the story.
        let a = "ولد محمد بن عبد الله بن أحمد بن علي في مكة ونشأ فيها وتعلم الفقه على يد أبيه ثم                  رحل إلى المدينة حيث درس الحديث سنوات طويلة قبل أن يعود معلما";
        let b = "توفي محمد بن عبد الله بن أحمد بن علي في بغداد بعد أن تولى القضاء فيها زمنا وترك                  مكتبة كبيرة أوقفها على طلاب العلم في المسجد الجامع";
        assert!(overlap(a, b) < SAME_STORY_OVERLAP, "{}", overlap(a, b));
        assert!(!same_story(a, b));
        assert_eq!(overlap("", BODY), 0.0);
    }

    #[test]
    fn different_stories_are_far_apart() {
        let a = fingerprint("الاتحاد الأوروبي يفرض عقوبات جديدة على روسيا", BODY);
        let b = fingerprint(
            "الأهلي يفوز بالدوري للمرة الثالثة",
            "حسم النادي الأهلي لقب الدوري الممتاز بعد فوزه على الزمالك بهدفين نظيفين في المباراة \
             التي أقيمت مساء الجمعة على الاستاد الدولي أمام خمسين ألف متفرج احتفلوا حتى الفجر.",
        );
        assert!(distance(a, b) > 16, "distance {}", distance(a, b));
    }
}
