//! Pure readers of the parts of an HTTP request that the web layer hands over as text or
//! bytes: the `Range` header, urlencoded form bodies and query strings, and the `page`,
//! `before` and `after` parameters of listings (the `Accept-Language` header is [`crate::Lang::from_accept_language`]).
//! They live here, free of the HTTP stack, so that they are tested and fuzzed (`fuzz/`) on
//! their own, without building the server.

/// A `Range` that lies wholly past the end of the body (answered with 416).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RangeNotSatisfiable;

/// The one byte range a `Range` header value asks of a body of `len` bytes (RFC 9110
/// §14.1.2, parsed by `http-range-header`), as inclusive offsets with `from <= to < len`:
/// `Ok(None)` serves the whole body (no header, another unit, several ranges, a value that
/// does not parse, or an empty body, all of which a server may answer whole); `Err` is a
/// range wholly past the end.
pub fn byte_range(
    header: Option<&str>,
    len: u64,
) -> Result<Option<(u64, u64)>, RangeNotSatisfiable> {
    use http_range_header::{RangeUnsatisfiableError, parse_range_header};
    let Some(parsed) = header.and_then(|h| parse_range_header(h.trim()).ok()) else {
        return Ok(None);
    };
    if parsed.len() != 1 {
        return Ok(None);
    }
    match parsed.validate(len) {
        Ok(ranges) => Ok(ranges.first().map(|r| (*r.start(), *r.end()))),
        Err(RangeUnsatisfiableError::Unsatisfiable) => Err(RangeNotSatisfiable),
        Err(_) => Ok(None),
    }
}

/// The fields of an `application/x-www-form-urlencoded` body or query string, in order,
/// repeated names included; bytes that are not UTF-8 become U+FFFD.
pub fn form_fields(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The highest page number a listing is asked for.
pub const MAX_PAGE: u32 = 10_000;

/// The `page` query parameter of a listing: absent means 1; anything but a number from 1 to
/// [`MAX_PAGE`] is refused with a message naming the value. Other parameters (tracking
/// codes…) are ignored.
pub fn page_number(query: Option<&str>) -> Result<u32, String> {
    let Some(q) = query else { return Ok(1) };
    let mut page = 1;
    for pair in q.split('&') {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        if k == "page" {
            page = v
                .parse::<u32>()
                .ok()
                .filter(|p| (1..=MAX_PAGE).contains(p))
                .ok_or_else(|| format!("bad page number {v:?}"))?;
        }
    }
    Ok(page)
}

/// An article's place in a list, newest first: its publication time (Unix seconds) and its
/// id, which breaks ties. Written `1709287200.4512` in a list page's address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListCursor {
    /// Publication time, in seconds since 1970.
    pub at: i64,
    /// The article's id.
    pub id: i64,
}

impl std::fmt::Display for ListCursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.at, self.id)
    }
}

impl std::str::FromStr for ListCursor {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("bad list position {s:?}");
        let (at, id) = s.split_once('.').ok_or_else(bad)?;
        let at = at.parse::<i64>().map_err(|_| bad())?;
        let id = id
            .parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .ok_or_else(bad)?;
        Ok(ListCursor { at, id })
    }
}

/// Which stories of a list a page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListAt {
    /// The n-th page counted from the newest story (1 is the first): the list's own
    /// address, and the `?page=N` links of old, whose stories move as new ones arrive.
    Page(u32),
    /// The stories published before this one (`?before=`): an address whose stories stay
    /// put as new ones are published, and that costs the same at any depth.
    Before(ListCursor),
    /// The stories published just after this one (`?after=`), the way back towards the
    /// newest.
    After(ListCursor),
}

/// Where a section, tag or author page starts, from its query string: `page`, `before` or
/// `after` (one of them, once); other parameters (tracking codes…) are ignored. A bad
/// value is refused with a message naming it.
pub fn list_position(query: Option<&str>) -> Result<ListAt, String> {
    let mut at = ListAt::Page(page_number(query)?);
    let mut given = 0;
    for (k, v) in form_fields(query.unwrap_or_default().as_bytes()) {
        match k.as_str() {
            "page" => {}
            "before" => at = ListAt::Before(v.parse()?),
            "after" => at = ListAt::After(v.parse()?),
            _ => continue,
        }
        given += 1;
    }
    if given > 1 {
        return Err("a list page is either a page number, before a story or after one".into());
    }
    Ok(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(h: &str, len: u64) -> Result<Option<(u64, u64)>, RangeNotSatisfiable> {
        byte_range(Some(h), len)
    }

    #[test]
    fn ranges_are_read_as_rfc_9110_says() {
        assert_eq!(byte_range(None, 100), Ok(None));
        assert_eq!(r("bytes=0-0", 100), Ok(Some((0, 0))));
        assert_eq!(r("bytes=10-19", 100), Ok(Some((10, 19))));
        // The grammar has no blanks inside a range: such a header is ignored.
        assert_eq!(r("bytes= 10 - 19", 100), Ok(None));
        assert_eq!(r("bytes=90-", 100), Ok(Some((90, 99))));
        assert_eq!(r("bytes=90-500", 100), Ok(Some((90, 99))));
        assert_eq!(r("bytes=-10", 100), Ok(Some((90, 99))));
        assert_eq!(r("bytes=-500", 100), Ok(Some((0, 99))));
        assert_eq!(r("bytes=100-", 100), Err(RangeNotSatisfiable));
        assert_eq!(r("bytes=-0", 100), Err(RangeNotSatisfiable));
        assert_eq!(r("bytes=0-", 0), Err(RangeNotSatisfiable));
        assert_eq!(r("bytes=0-1,5-6", 100), Ok(None));
        assert_eq!(r("items=0-1", 100), Ok(None));
        assert_eq!(r("bytes=5-2", 100), Ok(None));
        assert_eq!(r("bytes=x-", 100), Ok(None));
        // A first byte too large for any number is past the end of any body.
        assert_eq!(
            r("bytes=99999999999999999999-", 100),
            Err(RangeNotSatisfiable)
        );
        assert_eq!(
            r(&format!("bytes={}-{}", u64::MAX, u64::MAX), 100),
            Err(RangeNotSatisfiable)
        );
    }

    #[test]
    fn form_fields_keep_order_repeats_and_bad_bytes() {
        assert_eq!(
            form_fields(b"a=1&tag=x&tag=%D8%B9+b&empty&bad=%FF%"),
            vec![
                ("a".into(), "1".into()),
                ("tag".into(), "x".into()),
                ("tag".into(), "ع b".into()),
                ("empty".into(), String::new()),
                ("bad".into(), "\u{fffd}%".into()),
            ]
        );
        assert!(form_fields(b"").is_empty());
    }

    #[test]
    fn list_positions() {
        let c = |at, id| ListCursor { at, id };
        assert_eq!(list_position(None), Ok(ListAt::Page(1)));
        assert_eq!(
            list_position(Some("page=3&utm_source=x")),
            Ok(ListAt::Page(3))
        );
        assert_eq!(
            list_position(Some("before=1709287200.4512")),
            Ok(ListAt::Before(c(1_709_287_200, 4512)))
        );
        assert_eq!(
            list_position(Some("utm_medium=a&after=-5.7")),
            Ok(ListAt::After(c(-5, 7)))
        );
        assert_eq!(c(1_709_287_200, 4512).to_string(), "1709287200.4512");
        for bad in [
            "before=",
            "before=12",
            "before=12.0",
            "before=12.-3",
            "before=a.b",
            "after=1.99999999999999999999",
            "before=1.2&after=1.2",
            "before=1.2&before=1.3",
            "page=2&before=1.2",
            "page=0",
        ] {
            assert!(list_position(Some(bad)).is_err(), "{bad}");
        }
        assert_eq!(
            list_position(Some("before=x")),
            Err("bad list position \"x\"".into())
        );
    }

    #[test]
    fn page_numbers() {
        assert_eq!(page_number(None), Ok(1));
        assert_eq!(page_number(Some("utm_source=x&page=3")), Ok(3));
        assert_eq!(page_number(Some("page=10000")), Ok(10_000));
        assert_eq!(
            page_number(Some("page=0")),
            Err("bad page number \"0\"".into())
        );
        assert!(page_number(Some("page=10001")).is_err());
        assert!(page_number(Some("page=abc")).is_err());
        assert!(page_number(Some("page=99999999999")).is_err());
        assert!(page_number(Some("page=")).is_err());
        assert!(page_number(Some("page")).is_err());
    }
}
