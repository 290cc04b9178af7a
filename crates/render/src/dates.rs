//! Dates and times in the page language, from ICU4X's CLDR data (never hand-made month
//! tables): the masthead's long date, with the Hijri (Umm al-Qura) date on Arabic pages,
//! and article times in the site's time zone. Arabic uses Arabic-Indic digits.

use crate::RenderError;
use arabpress_core::Lang;
use icu_datetime::DateTimeFormatter;
use icu_datetime::fieldsets::{YMD, YMDE, YMDT};
use icu_datetime::input::{Date, DateTime, Time};
use icu_datetime::options::TimePrecision;
use icu_locale_core::Locale;
use jiff::Timestamp;
use jiff::civil;
use jiff::tz::TimeZone;

/// Formatters for both languages, built once (building one loads CLDR data).
pub struct Dates {
    /// The site's zone; replaced when the newsroom changes it.
    tz: std::sync::RwLock<TimeZone>,
    long: [DateTimeFormatter<YMDE>; 2],
    medium_time: [DateTimeFormatter<YMDT>; 2],
    medium: [DateTimeFormatter<YMD>; 2],
    hijri: DateTimeFormatter<YMD>,
}

fn locale(s: &str) -> Result<Locale, RenderError> {
    Locale::try_from_str(s).map_err(|e| RenderError::Setup(format!("locale {s}: {e}")))
}

fn idx(lang: Lang) -> usize {
    match lang {
        Lang::Ar => 0,
        Lang::En => 1,
    }
}

macro_rules! fmt_new {
    ($loc:expr, $fs:expr) => {
        DateTimeFormatter::try_new(locale($loc)?.into(), $fs)
            .map_err(|e| RenderError::Setup(format!("date formatter {}: {e}", $loc)))?
    };
}

const AR: &str = "ar-u-nu-arab";
const EN: &str = "en";

impl Dates {
    /// Formatters for the site's time zone.
    pub fn new(tz: TimeZone) -> Result<Dates, RenderError> {
        Ok(Dates {
            long: [fmt_new!(AR, YMDE::long()), fmt_new!(EN, YMDE::long())],
            medium_time: [
                // Arabic dates name the month everywhere ("٧ فبراير ٢٠٢٦"), never "٢٠٢٦/٠٢/٠٧".
                fmt_new!(AR, YMDT::long().with_time_precision(TimePrecision::Minute)),
                fmt_new!(
                    EN,
                    YMDT::medium().with_time_precision(TimePrecision::Minute)
                ),
            ],
            medium: [fmt_new!(AR, YMD::long()), fmt_new!(EN, YMD::medium())],
            hijri: fmt_new!("ar-u-ca-islamic-umalqura-nu-arab", YMD::long()),
            tz: std::sync::RwLock::new(tz),
        })
    }

    /// The site's time zone.
    pub fn tz(&self) -> TimeZone {
        self.tz
            .read()
            .map(|g| g.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }

    /// Moves the site to another time zone (the formatters stay).
    pub fn set_tz(&self, tz: TimeZone) {
        match self.tz.write() {
            Ok(mut g) => *g = tz,
            Err(p) => *p.into_inner() = tz,
        }
    }

    /// The civil date and time of an instant in the site's time zone.
    pub fn local(&self, at: Timestamp) -> civil::DateTime {
        at.to_zoned_datetime(self.tz()).datetime()
    }

    fn iso_date(d: civil::Date) -> Option<Date<icu_calendar::Iso>> {
        Date::try_new_iso(
            i32::from(d.year()),
            u8::try_from(d.month()).ok()?,
            u8::try_from(d.day()).ok()?,
        )
        .ok()
    }

    /// "Saturday, February 7, 2026" / "السبت، ٧ فبراير ٢٠٢٦".
    pub fn long_date(&self, lang: Lang, d: civil::Date) -> String {
        match Self::iso_date(d) {
            Some(date) => self.long[idx(lang)].format(&date).to_string(),
            None => d.to_string(),
        }
    }

    /// The Umm al-Qura Hijri date: "١٩ شعبان ١٤٤٧ هـ".
    pub fn hijri_date(&self, d: civil::Date) -> String {
        match Self::iso_date(d) {
            Some(date) => self.hijri.format(&date).to_string(),
            None => String::new(),
        }
    }

    /// A date for lists: "Feb 7, 2026" / "٧ فبراير ٢٠٢٦".
    pub fn short_date(&self, lang: Lang, at: Timestamp) -> String {
        match Self::iso_date(self.local(at).date()) {
            Some(date) => self.medium[idx(lang)].format(&date).to_string(),
            None => at.to_string(),
        }
    }

    /// A date and time in the site's zone, for "published" and "updated" lines.
    pub fn date_time(&self, lang: Lang, at: Timestamp) -> String {
        let local = self.local(at);
        let time = Time::try_new(
            u8::try_from(local.hour()).unwrap_or(0),
            u8::try_from(local.minute()).unwrap_or(0),
            0,
            0,
        );
        match (Self::iso_date(local.date()), time) {
            (Some(date), Ok(time)) => self.medium_time[idx(lang)]
                .format(&DateTime { date, time })
                .to_string(),
            _ => at.to_string(),
        }
    }

    /// [`Dates::date_time`] followed by the zone as an offset from Greenwich at that
    /// instant ("GMT+3", «غرينتش +٣»), for a reader who may be anywhere.
    pub fn zoned_date_time(&self, lang: Lang, at: Timestamp) -> String {
        let secs = self.tz().to_offset(at).seconds();
        let (h, m) = (secs.abs() / 3600, secs.abs() / 60 % 60);
        let sign = if secs < 0 { '-' } else { '+' };
        let offset = match (h, m) {
            (0, 0) => String::new(),
            (h, 0) => format!("{sign}{h}"),
            (h, m) => format!("{sign}{h}:{m:02}"),
        };
        let zone = match lang {
            Lang::Ar if offset.is_empty() => "(غرينتش)".to_owned(),
            Lang::Ar => format!(
                "(غرينتش {})",
                crate::messages::to_arabic_digits(&offset.replace('-', "\u{2212}"))
            ),
            Lang::En => format!("(GMT{offset})"),
        };
        format!("{} {zone}", self.date_time(lang, at))
    }

    /// The instant in RFC 3339 with the site's offset, for `<time datetime>` and feeds.
    pub fn iso(&self, at: Timestamp) -> String {
        at.to_zoned_datetime(self.tz())
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dates() -> Dates {
        Dates::new(TimeZone::UTC).unwrap()
    }

    #[test]
    fn masthead_dates_in_both_languages() {
        let d = dates();
        let day = civil::date(2026, 2, 7);
        assert_eq!(d.long_date(Lang::En, day), "Saturday, February 7, 2026");
        let ar = d.long_date(Lang::Ar, day);
        assert!(
            ar.contains("السبت")
                && ar.contains("فبراير")
                && ar.contains("٢٠٢٦")
                && ar.contains('٧'),
            "{ar}"
        );
        let hijri = d.hijri_date(day);
        assert!(
            hijri.contains("١٩") && hijri.contains("شعبان") && hijri.contains("١٤٤٧"),
            "{hijri}"
        );
    }

    #[test]
    fn times_follow_the_site_zone() {
        let tz = TimeZone::fixed(jiff::tz::offset(3));
        let d = Dates::new(tz).unwrap();
        let at: Timestamp = "2026-02-07T22:30:00Z".parse().unwrap();
        assert_eq!(d.iso(at), "2026-02-08T01:30:00+03:00");
        let en = d.date_time(Lang::En, at);
        assert!(en.contains("Feb 8, 2026") && en.contains("1:30"), "{en}");
        let en = d.zoned_date_time(Lang::En, at);
        assert!(en.ends_with(" (GMT+3)"), "{en}");
        let ar = d.zoned_date_time(Lang::Ar, at);
        assert!(
            ar.contains("٨ فبراير ٢٠٢٦") && ar.contains("١:٣٠") && ar.ends_with("(غرينتش +٣)"),
            "the month named, as on cards, then the zone: {ar}"
        );
        let utc = Dates::new(TimeZone::UTC).unwrap();
        assert!(utc.zoned_date_time(Lang::En, at).ends_with(" (GMT)"));
        let india = Dates::new(TimeZone::fixed(
            jiff::tz::Offset::from_seconds(19_800).unwrap(),
        ))
        .unwrap();
        assert!(india.zoned_date_time(Lang::En, at).ends_with(" (GMT+5:30)"));
    }
}
