//! The vowel-mark model (`scripts/tashkeel-model.py` writes it; it is not in the
//! repository). `scripts/test` makes it and names it in `ARABPRESS_TEST_TASHKEEL_MODEL`;
//! without that variable these tests say so and do nothing.

// clippy.toml allows these in #[test] functions; this covers the helpers too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use arabpress_audio::model::Model;
use arabpress_audio::tashkeel::{vowel, vowel_with_model};
use arabpress_audio::{Engine, Script};
use arabpress_core::Lang;

fn model() -> Option<Model> {
    let path = arabpress_testkit::tashkeel_model()?;
    Some(Model::load(&path).unwrap())
}

#[test]
fn the_model_marks_the_words_the_table_lacks_in_their_sentence() {
    let Some(model) = model() else { return };
    let text = "أعلنت الحكومة خطة لتحسين شبكات المياه.\nوقال الوزير إن العمل يبدأ غداً.";
    let table = vowel(text);
    let both = vowel_with_model(text, &model);
    // «شبكات» is not in the table; the model reads it in its sentence.
    assert!(table.contains(" شبكات "), "{table}");
    assert!(both.contains(" شَبَكَات "), "{both}");
    // Words the table knows keep the table's form; lines and punctuation stay.
    assert!(both.starts_with("أَعْلَنَت الْحُكُومَة"), "{both}");
    assert_eq!(both.lines().count(), 2);
    assert!(both.ends_with('.'));
    // Every Arabic word now carries marks.
    let bare: Vec<&str> = both
        .split(|c: char| !(('\u{0621}'..='\u{0652}').contains(&c)))
        .filter(|w| !w.is_empty() && !w.chars().any(|c| ('\u{064B}'..='\u{0652}').contains(&c)))
        .collect();
    assert!(
        bare.iter().all(|w| w.chars().count() <= 1),
        "unmarked: {bare:?}"
    );
}

#[test]
fn a_spoken_article_records_that_the_model_took_part() {
    let Some(model) = model() else { return };
    let Some(engine) = arabpress_testkit::speech_engine(Engine::detect("espeak-ng", "lame")) else {
        return;
    };
    assert_eq!(engine.voice_of(Lang::Ar), "ar");
    let engine = engine.with_model(model);
    assert_eq!(engine.voice_of(Lang::Ar), "ar+tashkeel-model");
    assert_eq!(engine.voice_of(Lang::En), "en-us");
    let script = Script::for_article(
        Lang::Ar,
        "تحسين شبكات المياه",
        "",
        "بدأ العمل في شبكات المياه.",
    );
    let speech = engine.speak(&script, "t", "a").unwrap();
    assert!(speech.duration_ms > 1000, "{}", speech.duration_ms);
}
