//! The store's behaviour, on SQLite and (when configured) PostgreSQL alike.

// clippy.toml allows these in #[test] functions; this covers the helpers too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use arabpress_core::model::Article;
use arabpress_core::{ArticleDraft, ArticleKind, ArticleStatus, Lang, Slug};
use arabpress_store::{ListQuery, NewCorrection, Page, Store, StoreError};
use arabpress_testkit::both_backends;
use jiff::Timestamp;

fn slug(s: &str) -> Slug {
    Slug::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn t(secs: i64) -> Timestamp {
    Timestamp::from_second(1_770_000_000 + secs).unwrap()
}

async fn seed(store: &Store) {
    store
        .create_section(&slug("world"), "العالم", "World", 1)
        .await
        .unwrap();
    store
        .create_section(&slug("sport"), "رياضة", "Sport", 2)
        .await
        .unwrap();
    store
        .create_author(&slug("sara"), "سارة", "Sara", "", "")
        .await
        .unwrap();
    store
        .create_author(&slug("omar"), "عمر", "Omar", "", "")
        .await
        .unwrap();
}

fn draft(lang: Lang, headline: &str, section: &str, tags: &[&str]) -> ArticleDraft {
    ArticleDraft {
        lang,
        slug: None,
        headline: headline.into(),
        standfirst: "Standfirst.".into(),
        body_md: "**Q:** Why?\n\n**A:** Because.".into(),
        kind: ArticleKind::News,
        section: slug(section),
        tags: tags.iter().map(|s| s.to_string()).collect(),
        authors: vec![slug("sara"), slug("omar")],
        source: None,
        image: None,
        seo_title: None,
        seo_description: None,
    }
}

async fn publish(store: &Store, d: ArticleDraft, at: i64) -> Article {
    store
        .create_article(d, ArticleStatus::Published, Some(t(at)), None, t(at))
        .await
        .unwrap_or_else(|e| panic!("create: {e}"))
}

async fn creates_and_reads_back(store: Store) {
    seed(&store).await;
    let a = publish(
        &store,
        draft(
            Lang::Ar,
            "العقوبات على روسيا",
            "world",
            &["روسيا", "عقوبات"],
        ),
        0,
    )
    .await;
    assert_eq!(a.summary.slug, "العقوبات-على-روسيا");
    assert_eq!(
        a.authors
            .iter()
            .map(|x| x.slug.as_str())
            .collect::<Vec<_>>(),
        ["sara", "omar"]
    );
    assert_eq!(a.tags.len(), 2);
    assert!(a.body_html.contains("qa-turn"));
    assert_eq!(a.status, ArticleStatus::Published);
    let again = store
        .article_by_slug(Lang::Ar, "العقوبات-على-روسيا")
        .await
        .unwrap();
    assert_eq!(again.as_ref().map(|x| x.summary.id), Some(a.summary.id));
    // The same slug in the other language is a different article.
    assert_eq!(
        store
            .article_by_slug(Lang::En, "العقوبات-على-روسيا")
            .await
            .ok()
            .flatten(),
        None
    );
}
both_backends!(creates_and_reads_back, super::creates_and_reads_back);

/// Two tag names that make the same tag ("Gaza Strip", "gaza-strip") are one link, not a
/// refused save; authors keep the order given.
async fn tags_that_are_one_tag_link_once(store: Store) {
    seed(&store).await;
    let mut d = draft(
        Lang::En,
        "Aid reaches the strip",
        "world",
        &["Gaza Strip", "gaza-strip", "Aid"],
    );
    d.authors.reverse();
    let a = publish(&store, d, 0).await;
    let tags: Vec<&str> = a.tags.iter().map(|t| t.slug.as_str()).collect();
    assert_eq!(tags.len(), 2, "{tags:?}");
    assert!(
        tags.contains(&"gaza-strip") && tags.contains(&"aid"),
        "{tags:?}"
    );
    let authors: Vec<&str> = a.authors.iter().map(|x| x.slug.as_str()).collect();
    assert_eq!(authors, ["omar", "sara"]);
}
both_backends!(
    tags_that_are_one_tag_link_once,
    super::tags_that_are_one_tag_link_once
);

async fn generated_slugs_are_made_unique_chosen_ones_conflict(store: Store) {
    seed(&store).await;
    let a = publish(&store, draft(Lang::En, "Same headline", "world", &[]), 0).await;
    let b = publish(&store, draft(Lang::En, "Same headline", "world", &[]), 1).await;
    assert_eq!(a.summary.slug, "same-headline");
    assert_eq!(b.summary.slug, "same-headline-2");
    let mut c = draft(Lang::En, "Other", "world", &[]);
    c.slug = Some(slug("same-headline"));
    let err = store
        .create_article(c, ArticleStatus::Draft, None, None, t(2))
        .await;
    assert!(matches!(err, Err(StoreError::Conflict(_))), "{err:?}");
}
both_backends!(
    generated_slugs_are_made_unique_chosen_ones_conflict,
    super::generated_slugs_are_made_unique_chosen_ones_conflict
);

async fn failed_writes_leave_the_store_as_it_was(store: Store) {
    seed(&store).await;
    publish(&store, draft(Lang::En, "Kept", "world", &["kept"]), 0).await;
    let before = store.count_articles().await.unwrap();
    let changes = store.last_change_id().await.unwrap();
    // An unknown author is discovered after the article row is written: the transaction
    // must roll the row, its tags and its revision back.
    let mut bad = draft(Lang::En, "Never stored", "world", &["new-tag"]);
    bad.authors.push(slug("nobody"));
    let err = store
        .create_article(bad, ArticleStatus::Published, Some(t(1)), None, t(1))
        .await;
    assert!(
        matches!(&err, Err(StoreError::Invalid(v)) if v.field == "authors"),
        "{err:?}"
    );
    // Unknown section, empty headline.
    let err = store
        .create_article(
            draft(Lang::En, "X", "nowhere", &[]),
            ArticleStatus::Draft,
            None,
            None,
            t(1),
        )
        .await;
    assert!(
        matches!(&err, Err(StoreError::Invalid(v)) if v.field == "section"),
        "{err:?}"
    );
    let err = store
        .create_article(
            draft(Lang::En, " ", "world", &[]),
            ArticleStatus::Draft,
            None,
            None,
            t(1),
        )
        .await;
    assert!(
        matches!(&err, Err(StoreError::Invalid(v)) if v.field == "headline"),
        "{err:?}"
    );
    assert_eq!(store.count_articles().await.ok(), Some(before));
    assert_eq!(store.last_change_id().await.ok(), Some(changes));
    assert_eq!(
        store.tag_by_slug(Lang::En, "new-tag").await.ok().flatten(),
        None
    );
    assert_eq!(
        store
            .article_by_slug(Lang::En, "never-stored")
            .await
            .ok()
            .flatten(),
        None
    );
}
both_backends!(
    failed_writes_leave_the_store_as_it_was,
    super::failed_writes_leave_the_store_as_it_was
);

async fn edits_of_an_old_version_are_refused(store: Store) {
    seed(&store).await;
    let a = publish(&store, draft(Lang::En, "First", "world", &[]), 0).await;
    let mut d = draft(Lang::En, "Second", "world", &[]);
    d.slug = Some(slug("first"));
    let b = store
        .update_article(a.summary.id, a.version, d.clone(), None, t(5))
        .await
        .unwrap();
    assert_eq!(b.summary.headline, "Second");
    assert_eq!(b.version, a.version + 1);
    // A second editor still holding the first version loses nothing and changes nothing.
    let mut stale = d;
    stale.headline = "Third".into();
    let err = store
        .update_article(a.summary.id, a.version, stale, None, t(6))
        .await;
    assert!(matches!(err, Err(StoreError::Conflict(_))), "{err:?}");
    let now = store.article_by_id(a.summary.id).await.ok().flatten();
    assert_eq!(now.map(|x| x.summary.headline), Some("Second".to_string()));
}
both_backends!(
    edits_of_an_old_version_are_refused,
    super::edits_of_an_old_version_are_refused
);

async fn lists_show_published_articles_once_newest_first(store: Store) {
    seed(&store).await;
    let a = publish(&store, draft(Lang::En, "A", "world", &["x", "y"]), 10).await;
    let b = publish(&store, draft(Lang::En, "B", "world", &["x"]), 20).await;
    let _draft = store
        .create_article(
            draft(Lang::En, "Draft", "world", &["x"]),
            ArticleStatus::Draft,
            None,
            None,
            t(30),
        )
        .await
        .unwrap();
    let future = publish(&store, draft(Lang::En, "Future", "world", &["x"]), 1_000).await;
    let _ar = publish(&store, draft(Lang::Ar, "عربي", "world", &["x"]), 15).await;
    let q = ListQuery {
        count_up_to: Some(1_000),
        ..ListQuery::latest(Lang::En, 10, t(100))
    };
    let page = store.list(&q).await.unwrap();
    let ids: Vec<i64> = page.items.iter().map(|s| s.id).collect();
    assert_eq!(ids, vec![b.summary.id, a.summary.id]);
    assert_eq!(page.total, 2);
    // Filtering by a tag shared twice over the join still yields each article once.
    let x = store
        .tag_by_slug(Lang::En, "x")
        .await
        .ok()
        .flatten()
        .map(|t| t.id);
    let page = store
        .list(&ListQuery {
            tag_id: x,
            ..q.clone()
        })
        .await
        .unwrap();
    assert_eq!(page.items.len(), 2);
    let by_author = store
        .authors()
        .await
        .ok()
        .and_then(|a| a.first().map(|a| a.id));
    let page = store
        .list(&ListQuery {
            author_id: by_author,
            exclude: vec![b.summary.id],
            ..q.clone()
        })
        .await;
    assert_eq!(
        page.map(|p| p.items.iter().map(|s| s.id).collect::<Vec<_>>())
            .ok(),
        Some(vec![a.summary.id])
    );
    // Pagination.
    let p2 = store
        .list(&ListQuery {
            limit: 1,
            offset: 1,
            ..q.clone()
        })
        .await
        .unwrap();
    assert_eq!(
        p2.items.iter().map(|s| s.id).collect::<Vec<_>>(),
        vec![a.summary.id]
    );
    assert_eq!(p2.total, 2);
    // Cursors: the stories before one (newest first), and the nearest ones after it, still
    // listed newest first.
    let c = publish(&store, draft(Lang::En, "C", "world", &["x"]), 30).await;
    let key = |a: &Article| (a.summary.published_at.unwrap(), a.summary.id);
    let ids = |p: Page<arabpress_core::model::ArticleSummary>| {
        p.items.iter().map(|s| s.id).collect::<Vec<_>>()
    };
    for (tag, author) in [(None, None), (x, None), (None, by_author)] {
        let around = |before, after, limit| ListQuery {
            tag_id: tag,
            author_id: author,
            before,
            after,
            limit,
            ..q.clone()
        };
        let older = store.list(&around(Some(key(&c)), None, 10)).await.unwrap();
        assert_eq!(ids(older), vec![b.summary.id, a.summary.id]);
        let newer = store.list(&around(None, Some(key(&a)), 1)).await.unwrap();
        assert_eq!(ids(newer), vec![b.summary.id]);
        let newer = store.list(&around(None, Some(key(&a)), 10)).await.unwrap();
        assert_eq!(ids(newer), vec![c.summary.id, b.summary.id]);
    }
    // Once its time comes, the future article is listed.
    let later = store
        .list(&ListQuery::latest(Lang::En, 10, t(2_000)))
        .await
        .unwrap();
    assert_eq!(later.items.first().map(|s| s.id), Some(future.summary.id));
}
both_backends!(
    lists_show_published_articles_once_newest_first,
    super::lists_show_published_articles_once_newest_first
);

/// The newsroom's tag list goes through a language's tags by name a page at a time, both
/// ways, finds them by part of their name or slug, and counts the articles of the tags it
/// shows only; each of its reads walks an index on both engines.
async fn tag_list_pages_by_name_and_counts_what_it_shows(store: Store) {
    use arabpress_store::TagsFrom;
    seed(&store).await;
    publish(&store, draft(Lang::En, "A", "world", &["Gaza", "Oil"]), 10).await;
    publish(
        &store,
        draft(Lang::En, "B", "world", &["Gas prices", "Oil"]),
        20,
    )
    .await;
    publish(&store, draft(Lang::En, "C", "world", &["Aid", "Zinc"]), 30).await;
    publish(&store, draft(Lang::Ar, "د", "world", &["غزة"]), 40).await;
    let names = |tags: &[arabpress_core::model::Tag]| {
        tags.iter().map(|t| t.name.clone()).collect::<Vec<_>>()
    };
    let page = async |text: &str, from: TagsFrom, limit: u32| {
        store.tags_page(Lang::En, text, from, limit).await.unwrap()
    };
    let first = page("", TagsFrom::Start, 2).await;
    assert_eq!(names(&first), ["Aid", "Gas prices"]);
    let second = page("", TagsFrom::After(first[1].id), 2).await;
    assert_eq!(names(&second), ["Gaza", "Oil"]);
    let third = page("", TagsFrom::After(second[1].id), 2).await;
    assert_eq!(names(&third), ["Zinc"]);
    // Back from a page: the tags just before it, still by name.
    assert_eq!(
        names(&page("", TagsFrom::Before(second[0].id), 2).await),
        ["Aid", "Gas prices"]
    );
    assert_eq!(
        names(&page("", TagsFrom::Before(third[0].id), 3).await),
        ["Gas prices", "Gaza", "Oil"]
    );
    assert!(page("", TagsFrom::Before(first[0].id), 2).await.is_empty());
    // A search, case aside, by name or slug, paged the same way; `%` is a character.
    assert_eq!(
        names(&page("GA", TagsFrom::Start, 5).await),
        ["Gas prices", "Gaza"]
    );
    assert_eq!(
        names(&page("ga", TagsFrom::After(first[1].id), 5).await),
        ["Gaza"]
    );
    assert_eq!(
        names(&page("s-p", TagsFrom::Start, 5).await),
        ["Gas prices"]
    );
    assert!(page("%", TagsFrom::Start, 5).await.is_empty());
    // The picker's suggestions are the first page of a search.
    assert_eq!(
        names(&store.find_tags(Lang::En, "ga", 1).await.unwrap()),
        ["Gas prices"]
    );
    // Only the language asked for; a cursor from elsewhere starts nothing.
    let arabic = store
        .tags_page(Lang::Ar, "", TagsFrom::Start, 5)
        .await
        .unwrap();
    assert_eq!(names(&arabic), ["غزة"]);
    assert!(page("", TagsFrom::After(arabic[0].id), 5).await.is_empty());
    assert!(page("", TagsFrom::After(i64::MAX), 5).await.is_empty());
    // Counts of the tags asked for only, any status; a tag on nothing is left out.
    let oil = second[1].id;
    let counts = store.tag_counts(&[first[0].id, oil]).await.unwrap();
    assert_eq!(counts, [(first[0].id, 1), (oil, 2)].into_iter().collect());
    assert!(store.tag_counts(&[]).await.unwrap().is_empty());
    let plan = store
        .tag_list_plans(Lang::En, second[0].id, &[first[0].id, oil])
        .await
        .unwrap();
    assert!(whole_table_reads(&plan).is_empty(), "{plan:#?}");
}
both_backends!(
    tag_list_pages_by_name_and_counts_what_it_shows,
    super::tag_list_pages_by_name_and_counts_what_it_shows
);

/// A list's count stops one past the bound it is given (a long list's first page says
/// "more than"), and a first page shorter than its limit counts itself.
async fn list_counts_stop_past_their_bound(store: Store) {
    seed(&store).await;
    for i in 0..4 {
        publish(
            &store,
            draft(Lang::En, &format!("S{i}"), "world", &["x"]),
            10 + i,
        )
        .await;
    }
    let x = store
        .tag_by_slug(Lang::En, "x")
        .await
        .unwrap()
        .map(|t| t.id);
    let section = store.sections().await.unwrap()[0].id;
    let count = async |limit: u32, offset: u32, bound: u64, tag: Option<i64>| {
        let q = ListQuery {
            offset,
            count_up_to: Some(bound),
            tag_id: tag,
            section_id: tag.is_none().then_some(section),
            ..ListQuery::latest(Lang::En, limit, t(100))
        };
        store.list(&q).await.unwrap().total
    };
    for tag in [None, x] {
        assert_eq!(count(2, 0, 2, tag).await, 3, "past the bound: one more");
        assert_eq!(count(2, 0, 10, tag).await, 4);
        assert_eq!(count(2, 2, 3, tag).await, 4, "a deeper page counts too");
        assert_eq!(count(10, 0, 2, tag).await, 4, "the whole list on one page");
    }
    let unasked = store
        .list(&ListQuery::latest(Lang::En, 3, t(100)))
        .await
        .unwrap();
    assert_eq!(unasked.total, 3, "not counted: the page's own length");
}
both_backends!(
    list_counts_stop_past_their_bound,
    super::list_counts_stop_past_their_bound
);

/// Tag and author pages read the link tables, whose rows carry their article's list keys:
/// whatever writes the article (publishing, withdrawing, a new date, a new language, a
/// near-duplicate link, new tags), those pages follow at once.
async fn tag_and_author_lists_follow_their_articles(store: Store) {
    seed(&store).await;
    let a = publish(&store, draft(Lang::En, "A", "world", &["x"]), 10).await;
    let b = publish(&store, draft(Lang::En, "B", "world", &["x"]), 20).await;
    let (a_id, b_id) = (a.summary.id, b.summary.id);
    let x = store.tag_by_slug(Lang::En, "x").await.unwrap().unwrap().id;
    let sara = store.author_by_slug("sara").await.unwrap().unwrap().id;
    let listed = async |tag: Option<i64>, author: Option<i64>, lang: Lang| {
        let q = ListQuery {
            tag_id: tag,
            author_id: author,
            ..ListQuery::latest(lang, 10, t(100))
        };
        let page = store.list(&q).await.unwrap();
        let ids: Vec<i64> = page.items.iter().map(|s| s.id).collect();
        // A page of one story is shorter than the list: its count reads the link rows.
        let counted = store
            .list(&ListQuery {
                limit: 1,
                count_up_to: Some(1_000),
                ..q
            })
            .await
            .unwrap();
        assert_eq!(
            counted.total,
            ids.len() as u64,
            "the count agrees with the list"
        );
        ids
    };
    assert_eq!(listed(Some(x), None, Lang::En).await, vec![b_id, a_id]);
    assert_eq!(listed(None, Some(sara), Lang::En).await, vec![b_id, a_id]);

    // Withdrawn: off both lists; published again: back in its place.
    store
        .set_status(b_id, ArticleStatus::Unpublished, None, t(30))
        .await
        .unwrap();
    assert_eq!(listed(Some(x), None, Lang::En).await, vec![a_id]);
    assert_eq!(listed(None, Some(sara), Lang::En).await, vec![a_id]);
    store
        .set_status(b_id, ArticleStatus::Published, None, t(31))
        .await
        .unwrap();
    assert_eq!(listed(None, Some(sara), Lang::En).await, vec![b_id, a_id]);

    // A new publication time reorders the list; one in the future takes it off for now.
    store
        .set_status(a_id, ArticleStatus::Published, Some(t(40)), t(40))
        .await
        .unwrap();
    assert_eq!(listed(Some(x), None, Lang::En).await, vec![a_id, b_id]);
    store
        .set_status(a_id, ArticleStatus::Published, Some(t(5_000)), t(41))
        .await
        .unwrap();
    assert_eq!(listed(None, Some(sara), Lang::En).await, vec![b_id]);

    // Edited into Arabic, with a new tag and one author: listed under the Arabic tag only.
    let mut arabic = draft(Lang::Ar, "ب", "world", &["y"]);
    arabic.authors = vec![slug("omar")];
    let version = store.article_by_id(b_id).await.unwrap().unwrap().version;
    store
        .update_article(b_id, version, arabic, None, t(50))
        .await
        .unwrap();
    let y = store.tag_by_slug(Lang::Ar, "y").await.unwrap().unwrap().id;
    let omar = store.author_by_slug("omar").await.unwrap().unwrap().id;
    assert_eq!(listed(Some(x), None, Lang::En).await, Vec::<i64>::new());
    assert_eq!(listed(Some(y), None, Lang::Ar).await, vec![b_id]);
    assert_eq!(listed(None, Some(omar), Lang::Ar).await, vec![b_id]);
    assert_eq!(listed(None, Some(sara), Lang::Ar).await, Vec::<i64>::new());

    // A near-duplicate of a public article is left out while its original is public.
    let c = publish(&store, draft(Lang::Ar, "ج", "world", &["y"]), 60).await;
    store
        .set_fingerprint(c.summary.id, u64::MAX, Some(b_id))
        .await
        .unwrap();
    assert_eq!(listed(Some(y), None, Lang::Ar).await, vec![b_id]);
    store
        .set_status(b_id, ArticleStatus::Unpublished, None, t(70))
        .await
        .unwrap();
    assert_eq!(listed(Some(y), None, Lang::Ar).await, vec![c.summary.id]);
}
both_backends!(
    tag_and_author_lists_follow_their_articles,
    super::tag_and_author_lists_follow_their_articles
);

/// A plan step that reads a whole table: SQLite's `SCAN t` without an index (a derived
/// table's or the headline index's scans are not tables), or a PostgreSQL sequential scan
/// left in a plan where sequential scans are priced out.
fn whole_table_reads(plan: &[String]) -> Vec<&String> {
    const TABLES: [&str; 15] = [
        "a",
        "x",
        "c",
        "u",
        "r",
        "t",
        "articles",
        "article_tags",
        "article_authors",
        "article_audio",
        "users",
        "article_fingerprint_blocks",
        "related_articles",
        "revisions",
        "tags",
    ];
    plan.iter()
        .filter(|line| {
            let l = line.trim();
            let sqlite = l.strip_prefix("SCAN ").is_some_and(|rest| {
                let table = rest.split_whitespace().next().unwrap_or_default();
                TABLES.contains(&table) && !rest.contains(" USING ")
            });
            sqlite || l.contains("Seq Scan on")
        })
        .collect()
}

/// Every public list (home, section, tag, author; by page and by story; the feeds read
/// them too), the newsroom's list with each of its filters, its dashboard, the sitemaps'
/// reads and the stored related stories walk an index on both engines: none reads every
/// article, however large the archive.
async fn lists_walk_indexes(store: Store) {
    use arabpress_store::NewsroomQuery;
    seed(&store).await;
    let a = publish(&store, draft(Lang::En, "Rates held", "world", &["x"]), 10).await;
    let section = store.sections().await.unwrap()[0].id;
    let tag = store.tag_by_slug(Lang::En, "x").await.unwrap().unwrap().id;
    let author = store.author_by_slug("sara").await.unwrap().unwrap().id;
    let first = ListQuery {
        count_up_to: Some(1_000),
        ..ListQuery::latest(Lang::En, 13, t(100))
    };
    let story = Some((t(10), a.summary.id));
    let lists = [
        first.clone(),
        ListQuery {
            section_id: Some(section),
            ..first.clone()
        },
        ListQuery {
            tag_id: Some(tag),
            offset: 120,
            ..first.clone()
        },
        ListQuery {
            author_id: Some(author),
            ..first.clone()
        },
        ListQuery {
            section_id: Some(section),
            before: story,
            ..first.clone()
        },
        ListQuery {
            tag_id: Some(tag),
            after: story,
            ..first.clone()
        },
        ListQuery {
            author_id: Some(author),
            before: story,
            exclude: vec![a.summary.id],
            ..first.clone()
        },
    ];
    for q in &lists {
        let plan = store.list_plans(q).await.unwrap();
        assert!(whole_table_reads(&plan).is_empty(), "{q:?}: {plan:#?}");
    }
    let every = NewsroomQuery {
        limit: 20,
        count_up_to: Some(10_000),
        ..NewsroomQuery::default()
    };
    let newsroom = [
        every.clone(),
        NewsroomQuery {
            status: Some(ArticleStatus::Draft),
            ..every.clone()
        },
        NewsroomQuery {
            section_id: Some(section),
            ..every.clone()
        },
        NewsroomQuery {
            author_id: Some(author),
            offset: 400,
            ..every.clone()
        },
        NewsroomQuery {
            lang: Some(Lang::Ar),
            ..every.clone()
        },
        NewsroomQuery {
            headline: Some("rates".into()),
            ..every.clone()
        },
        NewsroomQuery {
            created_by: Some(1),
            ..every.clone()
        },
    ];
    for q in &newsroom {
        let plan = store.newsroom_plans(q).await.unwrap();
        assert!(whole_table_reads(&plan).is_empty(), "{q:?}: {plan:#?}");
    }
    let plan = store.sitemap_plans(t(100)).await.unwrap();
    assert!(whole_table_reads(&plan).is_empty(), "sitemaps: {plan:#?}");
    let plan = store.dashboard_plans(1).await.unwrap();
    assert!(whole_table_reads(&plan).is_empty(), "dashboard: {plan:#?}");
    let plan = store.related_plans(&a, t(100)).await.unwrap();
    assert!(whole_table_reads(&plan).is_empty(), "related: {plan:#?}");
    // An article's translations are found by their group, not among every public article.
    assert!(
        plan.iter()
            .any(|l| l.contains("articles_translation_public")),
        "{plan:#?}"
    );
    // The check itself sees a whole-table read.
    assert_eq!(
        whole_table_reads(&["SCAN a".into(), "Seq Scan on articles a".into()]).len(),
        2
    );
}
both_backends!(lists_walk_indexes, super::lists_walk_indexes);

/// A story is compared with every fingerprint near its own in the whole archive, not
/// only with the newest, and the lookup reads no fingerprint far from it.
async fn near_fingerprints_are_found_across_the_archive(store: Store) {
    seed(&store).await;
    // The top bit set: stored negative on both engines.
    let base: u64 = 0x8123_4567_89ab_cdef;
    let flip = |bits: &[u32]| bits.iter().fold(base, |f, b| f ^ 1 << b);
    let mut ids = Vec::new();
    let langs = [Lang::En, Lang::En, Lang::En, Lang::En, Lang::Ar, Lang::En];
    for (i, lang) in langs.iter().enumerate() {
        let a = publish(
            &store,
            draft(*lang, &format!("Story {i}"), "world", &[]),
            10 + i as i64,
        )
        .await;
        ids.push(a.summary.id);
    }
    let [old, longer, shared_block, other, arabic, newest] = ids[..] else {
        unreachable!()
    };
    // 7 bits apart, no more than 2 in any 16-bit block: found wherever it stands.
    store
        .set_fingerprint(old, flip(&[0, 1, 16, 17, 32, 33, 48]), None)
        .await
        .unwrap();
    // 11 bits apart, 2 or more in every block: found among the newest stories only.
    store
        .set_fingerprint(
            longer,
            flip(&[0, 1, 16, 17, 18, 32, 33, 34, 48, 49, 50]),
            None,
        )
        .await
        .unwrap();
    // 13 bits apart with a block 1 bit off: the blocks reach it, but beyond the newest
    // only 11 bits count.
    store
        .set_fingerprint(
            shared_block,
            flip(&[0, 16, 17, 18, 19, 32, 33, 34, 35, 48, 49, 50, 51]),
            None,
        )
        .await
        .unwrap();
    store.set_fingerprint(other, !base, None).await.unwrap();
    store.set_fingerprint(arabic, base, None).await.unwrap();
    store
        .set_fingerprint(newest, flip(&[63]), None)
        .await
        .unwrap();
    let found = |recent: u32, except: i64| {
        let store = store.clone();
        async move {
            store
                .fingerprint_candidates(Lang::En, except, base, (16, 11), recent)
                .await
                .unwrap()
                .iter()
                .map(|f| f.id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        found(1, 0).await,
        vec![newest, old],
        "beyond the newest: blocks"
    );
    assert_eq!(found(10, 0).await, vec![newest, shared_block, longer, old]);
    assert_eq!(
        found(10, newest).await,
        vec![shared_block, longer, old],
        "never the story itself"
    );
    // A new fingerprint replaces the old one's blocks; a withdrawn story is no candidate.
    store.set_fingerprint(old, !base, None).await.unwrap();
    store
        .set_status(newest, ArticleStatus::Unpublished, None, t(50))
        .await
        .unwrap();
    assert_eq!(found(1, 0).await, Vec::<i64>::new());
    assert_eq!(found(10, 0).await, vec![shared_block, longer]);
    let plan = store.fingerprint_plans(Lang::En, base).await.unwrap();
    assert!(whole_table_reads(&plan).is_empty(), "{plan:#?}");
    // The newest fingerprints come from their own index, in its order, on SQLite (whose
    // plan does not depend on the table's size).
    if plan.iter().any(|l| l.starts_with("SEARCH")) {
        assert!(
            plan.iter()
                .any(|l| l.contains("article_fingerprint_blocks_newest"))
                && !plan.iter().any(|l| l.contains("TEMP B-TREE")),
            "{plan:#?}"
        );
    }
}
both_backends!(
    near_fingerprints_are_found_across_the_archive,
    super::near_fingerprints_are_found_across_the_archive
);

/// Sitemap files are blocks of ids: a file lists the public articles of its block, and
/// the index needs only the highest id and the newest public change.
async fn sitemap_files_are_blocks_of_ids(store: Store) {
    seed(&store).await;
    assert_eq!(store.sitemap_span(t(100)).await.unwrap(), (0, None));
    let a = publish(&store, draft(Lang::En, "A", "world", &[]), 10).await;
    let _draft = store
        .create_article(
            draft(Lang::En, "Draft", "world", &[]),
            ArticleStatus::Draft,
            None,
            None,
            t(50),
        )
        .await
        .unwrap();
    let c = publish(&store, draft(Lang::Ar, "ج", "world", &[]), 20).await;
    let _future = publish(&store, draft(Lang::En, "Future", "world", &[]), 1_000).await;
    let ids = |e: Vec<arabpress_store::SitemapEntry>| e.iter().map(|e| e.id).collect::<Vec<_>>();
    let (first, last) = (a.summary.id, a.summary.id + 3);
    let (last_id, newest) = store.sitemap_span(t(100)).await.unwrap();
    assert_eq!(last_id, last, "the highest id, whatever its state");
    assert_eq!(newest, Some(t(20)), "the newest change to a public article");
    assert_eq!(
        ids(store
            .sitemap_entries(first..=first + 1, t(100))
            .await
            .unwrap()),
        vec![a.summary.id],
        "the draft in the block is left out"
    );
    assert_eq!(
        ids(store
            .sitemap_entries(first + 2..=last, t(100))
            .await
            .unwrap()),
        vec![c.summary.id],
        "the future article is left out until its time"
    );
    assert_eq!(
        ids(store
            .sitemap_entries(first + 2..=last, t(2_000))
            .await
            .unwrap())
        .len(),
        2
    );
    assert!(
        store
            .sitemap_entries(last + 1..=last + 10, t(100))
            .await
            .unwrap()
            .is_empty()
    );
    // A block is listed in the index only when it holds a public article.
    let listed = |ids| store.sitemap_block_listed(ids, t(100));
    assert!(listed(first..=last).await.unwrap());
    assert!(
        !listed(first + 1..=first + 1).await.unwrap(),
        "the draft alone"
    );
    assert!(
        !listed(last..=last).await.unwrap(),
        "the future article alone"
    );
    assert!(!listed(last + 1..=last + 10).await.unwrap());
}
both_backends!(
    sitemap_files_are_blocks_of_ids,
    super::sitemap_files_are_blocks_of_ids
);

async fn stored_related_stories_and_duplicate_groups(store: Store) {
    seed(&store).await;
    let main = publish(
        &store,
        draft(Lang::En, "Sanctions on Russia", "world", &["Russia"]),
        10,
    )
    .await;
    let close = publish(
        &store,
        draft(Lang::En, "EU weighs more sanctions", "world", &["Russia"]),
        5,
    )
    .await;
    let wire = publish(
        &store,
        draft(Lang::En, "EU weighs further sanctions", "world", &[]),
        20,
    )
    .await;
    let (m, c, w) = (main.summary.id, close.summary.id, wire.summary.id);
    store.set_related(m, &[c, w, m]).await.unwrap();
    assert_eq!(store.relating_to(c).await.unwrap_or_default(), vec![m]);
    let n = store
        .article_neighbours(&main, 6, 10, t(100))
        .await
        .unwrap();
    // Best first, never the article itself.
    assert_eq!(
        n.related.iter().map(|s| s.id).collect::<Vec<_>>(),
        vec![c, w]
    );
    // Relating to an article that does not exist is refused and changes nothing.
    let err = store.set_related(m, &[c, 999_999]).await;
    assert!(matches!(err, Err(StoreError::NotFound(_))), "{err:?}");
    assert_eq!(store.relating_to(c).await.unwrap_or_default(), vec![m]);

    // The wire copy duplicates `close`: lists show only `close` while it is public.
    store.set_fingerprint(c, u64::MAX - 1, None).await.unwrap();
    store.set_fingerprint(w, u64::MAX, Some(c)).await.unwrap();
    let fps = store
        .fingerprint_candidates(Lang::En, w, u64::MAX, (16, 16), 10)
        .await
        .unwrap();
    assert_eq!(fps.len(), 1);
    assert_eq!((fps[0].id, fps[0].fingerprint), (c, u64::MAX - 1));
    assert_eq!(store.duplicates_of(c).await.unwrap_or_default(), vec![w]);
    let ids = |p: Page<arabpress_core::model::ArticleSummary>| {
        p.items.iter().map(|s| s.id).collect::<Vec<_>>()
    };
    let page = store
        .list(&ListQuery::latest(Lang::En, 10, t(100)))
        .await
        .unwrap();
    assert_eq!(ids(page), vec![m, c]);
    assert_eq!(
        store
            .summaries_by_ids(&[w, c, m], t(100))
            .await
            .unwrap_or_default()
            .len(),
        2
    );
    store
        .set_status(c, ArticleStatus::Unpublished, None, t(110))
        .await
        .unwrap();
    let page = store
        .list(&ListQuery::latest(Lang::En, 10, t(120)))
        .await
        .unwrap();
    assert_eq!(ids(page), vec![w, m]);
    let got = store
        .summaries_by_ids(&[w, c, m], t(120))
        .await
        .unwrap_or_default();
    assert_eq!(got.iter().map(|s| s.id).collect::<Vec<_>>(), vec![w, m]);
    let err = store.set_fingerprint(w, 1, Some(w)).await;
    assert!(matches!(err, Err(StoreError::Invalid(_))), "{err:?}");
    assert_eq!(store.duplicates_of(c).await.unwrap_or_default(), vec![w]);

    // What the search index is built and caught up from.
    let all = store.articles_for_index(0, 100).await.unwrap();
    assert_eq!(
        all.iter().map(|a| a.summary.id).collect::<Vec<_>>(),
        vec![m, w]
    );
    assert_eq!(all[1].duplicate_of, Some(c));
    assert_eq!(store.count_published().await.unwrap_or_default(), 2);
    let changes = store.article_changes_since(0, 100).await.unwrap();
    assert_eq!(changes.last().map(|c| c.article_id), Some(c));
    let last = changes.last().map_or(0, |c| c.change_id);
    assert_eq!(store.last_change_id().await.unwrap_or_default(), last);
    assert!(
        store
            .article_changes_since(last, 100)
            .await
            .unwrap_or_default()
            .is_empty()
    );

    // A fuller version leads: `m` takes `c`'s group, `c` and its copy `w` move under it
    // in one step, each with a change event for the other nodes; then `c` joins `m`
    // again, bringing its own (empty) group along; then `c` takes the lead back.
    let before = store.last_change_id().await.unwrap_or_default();
    let err = store.regroup(w, 1, Some(w), Some(c), t(200)).await;
    assert!(matches!(err, Err(StoreError::Invalid(_))), "{err:?}");
    let moved = store.regroup(m, 7, None, Some(c), t(200)).await.unwrap();
    assert_eq!(moved, vec![c, w]);
    assert_eq!(store.duplicates_of(m).await.unwrap_or_default(), vec![c, w]);
    assert!(store.duplicates_of(c).await.unwrap_or_default().is_empty());
    let mut events: Vec<i64> = store
        .article_changes_since(before, 100)
        .await
        .unwrap()
        .iter()
        .map(|e| e.article_id)
        .collect();
    events.sort_unstable();
    assert_eq!(events, vec![m, c, w]);
    store.regroup(c, 9, Some(m), Some(c), t(201)).await.unwrap();
    assert_eq!(store.duplicates_of(m).await.unwrap_or_default(), vec![c, w]);
    store.regroup(c, 9, None, Some(m), t(202)).await.unwrap();
    assert_eq!(store.duplicates_of(c).await.unwrap_or_default(), vec![m, w]);
    let lead = store.article_by_id(c).await.unwrap().unwrap();
    assert_eq!((lead.fingerprint, lead.duplicate_of), (Some(9), None));
    // Joining a lead that points back at the joiner leaves the lead on top: no two
    // articles ever hide each other.
    store.set_fingerprint(c, 9, Some(m)).await.unwrap();
    store.regroup(m, 7, Some(c), Some(m), t(203)).await.unwrap();
    let (cm, mm) = (
        store.article_by_id(c).await.unwrap().unwrap(),
        store.article_by_id(m).await.unwrap().unwrap(),
    );
    assert_eq!((cm.duplicate_of, mm.duplicate_of), (None, Some(c)));
}
both_backends!(
    stored_related_stories_and_duplicate_groups,
    super::stored_related_stories_and_duplicate_groups
);

async fn translations_are_linked_across_languages_only(store: Store) {
    seed(&store).await;
    let main = publish(
        &store,
        draft(Lang::En, "Sanctions on Russia", "world", &["Russia"]),
        10,
    )
    .await;
    let other = publish(
        &store,
        draft(Lang::En, "EU weighs more sanctions", "world", &[]),
        5,
    )
    .await;
    let tr = publish(
        &store,
        draft(Lang::Ar, "عقوبات على روسيا", "world", &["روسيا"]),
        11,
    )
    .await;
    store
        .link_translations(main.summary.id, tr.summary.id, t(50))
        .await
        .unwrap();
    let main = store
        .article_by_id(main.summary.id)
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("gone"));
    let tr_list = store
        .article_neighbours(&main, 6, 10, t(100))
        .await
        .unwrap()
        .translations;
    assert_eq!(
        tr_list.iter().map(|s| s.id).collect::<Vec<_>>(),
        vec![tr.summary.id]
    );
    // Two articles in one language cannot be linked as translations.
    let err = store
        .link_translations(main.summary.id, other.summary.id, t(60))
        .await;
    assert!(matches!(err, Err(StoreError::Invalid(_))), "{err:?}");
}
both_backends!(
    translations_are_linked_across_languages_only,
    super::translations_are_linked_across_languages_only
);

async fn corrections_are_dated_and_ordered(store: Store) {
    seed(&store).await;
    let a = publish(&store, draft(Lang::En, "Corrected", "world", &[]), 0).await;
    for (i, note) in ["First fix.", "Second fix."].iter().enumerate() {
        store
            .add_correction(
                NewCorrection {
                    article_id: a.summary.id,
                    note: note.to_string(),
                },
                t(100 + i as i64),
            )
            .await
            .unwrap();
    }
    let err = store
        .add_correction(
            NewCorrection {
                article_id: 9_999,
                note: "x".into(),
            },
            t(1),
        )
        .await;
    assert!(matches!(err, Err(StoreError::NotFound(_))), "{err:?}");
    let err = store
        .add_correction(
            NewCorrection {
                article_id: a.summary.id,
                note: "  ".into(),
            },
            t(1),
        )
        .await;
    assert!(matches!(err, Err(StoreError::Invalid(_))), "{err:?}");
    let a = store
        .article_by_id(a.summary.id)
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("gone"));
    assert_eq!(
        a.corrections
            .iter()
            .map(|c| c.note.as_str())
            .collect::<Vec<_>>(),
        ["First fix.", "Second fix."]
    );
    assert_eq!(a.corrections[0].created_at, t(100));
}
both_backends!(
    corrections_are_dated_and_ordered,
    super::corrections_are_dated_and_ordered
);

async fn status_changes_write_the_change_feed(store: Store) {
    seed(&store).await;
    let a = store
        .create_article(
            draft(Lang::En, "Held", "world", &[]),
            ArticleStatus::Draft,
            None,
            None,
            t(0),
        )
        .await
        .unwrap();
    let before = store.last_change_id().await.unwrap_or(0);
    store
        .set_status(a.summary.id, ArticleStatus::Published, None, t(10))
        .await
        .unwrap();
    assert!(store.last_change_id().await.unwrap_or(0) > before);
    let a = store
        .article_by_id(a.summary.id)
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("gone"));
    assert_eq!(a.summary.published_at, Some(t(10)));
    let err = store
        .set_status(12_345, ArticleStatus::Published, None, t(10))
        .await;
    assert!(matches!(err, Err(StoreError::NotFound(_))), "{err:?}");
}
both_backends!(
    status_changes_write_the_change_feed,
    super::status_changes_write_the_change_feed
);

#[tokio::test]
async fn a_bad_url_is_named() {
    let err = Store::connect("mysql://x").await;
    assert!(matches!(err, Err(StoreError::BadUrl(s)) if s == "mysql"));
}

async fn an_article_page_lists_come_in_one_query(store: Store) {
    seed(&store).await;
    let main = publish(
        &store,
        draft(Lang::En, "Sanctions on Russia", "world", &["Russia"]),
        10,
    )
    .await;
    let close = publish(
        &store,
        draft(Lang::En, "More sanctions", "world", &["Russia"]),
        15,
    )
    .await;
    let other = publish(&store, draft(Lang::En, "Cup final", "sport", &[]), 40).await;
    let tr = publish(
        &store,
        draft(Lang::Ar, "عقوبات على روسيا", "world", &[]),
        11,
    )
    .await;
    store
        .link_translations(main.summary.id, tr.summary.id, t(50))
        .await
        .unwrap();
    let main = store
        .article_by_id(main.summary.id)
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("gone"));
    // Related stories are stored by the application (from the search index); a translation
    // stored as related is still left out.
    store
        .set_related(main.summary.id, &[tr.summary.id, close.summary.id])
        .await
        .unwrap();
    let n = store
        .article_neighbours(&main, 6, 10, t(100))
        .await
        .unwrap();
    assert_eq!(
        n.translations.iter().map(|s| s.id).collect::<Vec<_>>(),
        vec![tr.summary.id]
    );
    assert_eq!(
        n.related.iter().map(|s| s.id).collect::<Vec<_>>(),
        vec![close.summary.id]
    );
    assert_eq!(
        n.latest.iter().map(|s| s.id).collect::<Vec<_>>(),
        vec![other.summary.id, close.summary.id, main.summary.id]
    );
    // A withdrawn story disappears from the related list.
    let later = publish(
        &store,
        draft(Lang::En, "Russia talks resume", "world", &["Russia"]),
        60,
    )
    .await;
    store
        .set_related(main.summary.id, &[close.summary.id, later.summary.id])
        .await
        .unwrap();
    store
        .set_status(close.summary.id, ArticleStatus::Unpublished, None, t(70))
        .await
        .unwrap();
    let n = store
        .article_neighbours(&main, 6, 10, t(100))
        .await
        .unwrap();
    assert_eq!(
        n.related.iter().map(|s| s.id).collect::<Vec<_>>(),
        vec![later.summary.id]
    );
    // An article with no translation and no tags gets empty lists, not an error.
    let lone = store
        .article_by_id(other.summary.id)
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("gone"));
    let n = store
        .article_neighbours(&lone, 6, 10, t(100))
        .await
        .unwrap();
    assert!(n.translations.is_empty() && n.related.is_empty());
}
both_backends!(
    an_article_page_lists_come_in_one_query,
    super::an_article_page_lists_come_in_one_query
);

async fn accounts_tokens_and_the_audit_log(store: Store) {
    use arabpress_core::Role;
    let u = store
        .create_user(
            " Layla@Example.org ",
            "Layla Haddad",
            Role::Editor,
            "$argon2id$fake",
            t(1),
        )
        .await
        .unwrap();
    assert_eq!(u.email, "layla@example.org");
    let dup = store
        .create_user("layla@example.org", "Other", Role::Author, "x", t(2))
        .await;
    assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");
    let bad = store
        .create_user("not an address", "X", Role::Author, "x", t(2))
        .await;
    assert!(matches!(bad, Err(StoreError::Invalid(_))), "{bad:?}");
    assert_eq!(store.count_users().await.unwrap_or_default(), 1);
    let (found, hash) = store
        .user_by_email("LAYLA@example.org")
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("not found"));
    assert_eq!((found.id, hash.as_str()), (u.id, "$argon2id$fake"));
    store
        .create_token(u.id, "laptop", "h1", t(3), t(100))
        .await
        .unwrap();
    assert_eq!(
        store.user_by_token("h1").await.ok().flatten().map(|x| x.id),
        Some(u.id)
    );
    assert!(matches!(
        store.create_token(999, "x", "h2", t(3), t(100)).await,
        Err(StoreError::NotFound(_))
    ));
    store.set_role(u.id, Role::Admin).await.unwrap();
    store.set_active(u.id, false).await.unwrap();
    assert_eq!(
        store.user_by_token("h1").await.ok().flatten(),
        None,
        "a deactivated user's token is dead"
    );
    let again = store
        .user_by_id(u.id)
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("gone"));
    assert_eq!((again.role, again.active), (Role::Admin, false));
    store
        .audit(
            Some(u.id),
            "role_changed",
            "user",
            u.id,
            "editor → admin",
            t(4),
        )
        .await
        .unwrap();
    let log = store.audit_of("user", u.id).await.unwrap_or_default();
    assert_eq!(log.len(), 1);
    assert_eq!(
        (log[0].action.as_str(), log[0].detail.as_str()),
        ("role_changed", "editor → admin")
    );
}
both_backends!(
    accounts_tokens_and_the_audit_log,
    super::accounts_tokens_and_the_audit_log
);

async fn scheduled_articles_go_live_once_when_due(store: Store) {
    seed(&store).await;
    let d = draft(Lang::En, "Embargoed figures", "world", &[]);
    let a = store
        .create_article(d, ArticleStatus::Draft, None, None, t(10))
        .await
        .unwrap();
    let id = a.summary.id;
    store.schedule(id, t(100), t(20)).await.unwrap();
    let s = store
        .article_by_id(id)
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("gone"));
    assert_eq!(
        (s.status, s.scheduled_at),
        (ArticleStatus::Scheduled, Some(t(100)))
    );
    assert!(
        store
            .list(&ListQuery::latest(Lang::En, 10, t(200)))
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert!(
        store
            .publish_due(t(99))
            .await
            .unwrap_or_default()
            .is_empty()
    );
    assert_eq!(
        store.publish_due(t(100)).await.unwrap_or_default(),
        vec![id]
    );
    assert!(
        store
            .publish_due(t(101))
            .await
            .unwrap_or_default()
            .is_empty(),
        "once"
    );
    let p = store
        .article_by_id(id)
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("gone"));
    assert_eq!(
        (p.status, p.summary.published_at, p.scheduled_at),
        (ArticleStatus::Published, Some(t(100)), None)
    );
    assert_eq!(
        store
            .list(&ListQuery::latest(Lang::En, 10, t(200)))
            .await
            .unwrap()
            .items
            .len(),
        1
    );
    assert!(matches!(
        store.schedule(999_999, t(1), t(1)).await,
        Err(StoreError::NotFound(_))
    ));
}
both_backends!(
    scheduled_articles_go_live_once_when_due,
    super::scheduled_articles_go_live_once_when_due
);

async fn newsroom_state_is_shared_through_the_store(store: Store) {
    use arabpress_core::Role;
    use arabpress_store::NewsroomQuery;
    seed(&store).await;
    let u = store
        .create_user("Writer@X.example", "Writer", Role::Author, "hash", t(0))
        .await
        .unwrap();
    // Sessions: found while live and the account active, gone after expiry or sign-out.
    store
        .create_session("h1", u.id, "csrf1", t(0), t(100))
        .await
        .unwrap();
    store
        .create_session("h2", u.id, "csrf2", t(0), t(100))
        .await
        .unwrap();
    let live = store.session_user("h1", t(50)).await.ok().flatten();
    assert_eq!(
        live.map(|(u, c)| (u.email, c)),
        Some(("writer@x.example".into(), "csrf1".into()))
    );
    assert!(
        store
            .session_user("h1", t(100))
            .await
            .ok()
            .flatten()
            .is_none(),
        "expired"
    );
    assert!(
        store
            .session_user("nope", t(50))
            .await
            .ok()
            .flatten()
            .is_none()
    );
    store.set_active(u.id, false).await.unwrap();
    assert!(
        store
            .session_user("h2", t(50))
            .await
            .ok()
            .flatten()
            .is_none(),
        "deactivated"
    );
    store.set_active(u.id, true).await.unwrap();
    assert_eq!(store.delete_sessions_of(u.id).await.ok(), Some(2));
    assert!(
        store
            .session_user("h2", t(50))
            .await
            .ok()
            .flatten()
            .is_none()
    );

    // Failed logins are counted per scope and window.
    store
        .record_login_failure(&["account:a", "ip:1"], t(10))
        .await
        .unwrap();
    store
        .record_login_failure(&["account:a"], t(20))
        .await
        .unwrap();
    assert_eq!(store.login_failures("account:a", t(0)).await.ok(), Some(2));
    assert_eq!(store.login_failures("account:a", t(15)).await.ok(), Some(1));
    store.clear_login_failures("account:a").await.unwrap();
    assert_eq!(store.login_failures("account:a", t(0)).await.ok(), Some(0));
    assert_eq!(store.login_failures("ip:1", t(0)).await.ok(), Some(1));

    // An invitation makes one account, once, before it expires.
    let email = store
        .create_invite("inv", "New@X.example", Role::Editor, u.id, t(0), t(1000))
        .await
        .unwrap();
    assert_eq!(email, "new@x.example");
    assert!(matches!(
        store
            .create_invite(
                "inv2",
                "writer@x.example",
                Role::Editor,
                u.id,
                t(0),
                t(1000)
            )
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(
        store
            .accept_invite("inv", "New", "hash", t(2000))
            .await
            .is_err(),
        "expired"
    );
    let joined = store
        .accept_invite("inv", "New", "hash", t(10))
        .await
        .unwrap();
    assert_eq!(
        (joined.email.as_str(), joined.role),
        ("new@x.example", Role::Editor)
    );
    assert!(matches!(
        store.accept_invite("inv", "Again", "hash", t(11)).await,
        Err(StoreError::NotFound(_))
    ));

    // Revisions record who saved them and every field.
    let mut d = draft(Lang::En, "100% growth_rate", "world", &["x"]);
    d.seo_title = Some("Growth".into());
    let a = store
        .create_article(d.clone(), ArticleStatus::Draft, None, Some(u.id), t(30))
        .await
        .unwrap();
    assert_eq!(
        (a.created_by, a.seo_title.as_deref()),
        (Some(u.id), Some("Growth"))
    );
    d.headline = "Second".into();
    store
        .update_article(a.summary.id, a.version, d, Some(joined.id), t(40))
        .await
        .unwrap();
    let revs = store.revisions(a.summary.id).await.unwrap();
    assert_eq!(
        revs.iter()
            .map(|r| (r.version, r.user_name.clone(), r.headline.clone()))
            .collect::<Vec<_>>(),
        vec![
            (2, Some("New".into()), "Second".into()),
            (1, Some("Writer".into()), "100% growth_rate".into())
        ]
    );
    assert_eq!(
        revs[1].draft.as_ref().and_then(|d| d.seo_title.clone()),
        Some("Growth".into())
    );

    // The newsroom list sees drafts; `%` and `_` in a search are literal.
    let q = |headline: &str| NewsroomQuery {
        headline: Some(headline.into()),
        status: Some(ArticleStatus::Draft),
        limit: 10,
        count_up_to: Some(100),
        ..NewsroomQuery::default()
    };
    let found = store.newsroom_articles(&q("SECO")).await.unwrap();
    assert_eq!(
        (
            found.total,
            found.items.first().and_then(|x| x.created_by.clone())
        ),
        (Some(1), Some("Writer".into()))
    );
    assert_eq!(
        store.newsroom_articles(&q("%")).await.map(|p| p.total).ok(),
        Some(Some(0))
    );
    // Any part of the headline as it is now, in any case; not the one it had; a quote is
    // a letter like any other; two letters are enough.
    let total = async |text: &str| store.newsroom_articles(&q(text)).await.unwrap().total;
    assert_eq!(total("ECON").await, Some(1));
    assert_eq!(total("ec").await, Some(1));
    assert_eq!(total("growth").await, Some(0));
    assert_eq!(total("\"Sec\"ond").await, Some(0));
    let arabic = store
        .create_article(
            draft(Lang::Ar, "الاقتصاد المصري في عام", "world", &[]),
            ArticleStatus::Draft,
            None,
            None,
            t(45),
        )
        .await
        .unwrap();
    assert_eq!(total("قتصاد المص").await, Some(1));
    assert_eq!(
        store
            .newsroom_articles(&q("قتصاد المص"))
            .await
            .unwrap()
            .items
            .first()
            .map(|x| x.summary.id),
        Some(arabic.summary.id)
    );
    // A page knows whether another follows; the count stops past its bound.
    publish(&store, draft(Lang::En, "Another", "world", &[]), 60).await;
    let every = |limit: u32, offset: u32, count_up_to: Option<u64>| NewsroomQuery {
        limit,
        offset,
        count_up_to,
        ..NewsroomQuery::default()
    };
    let all = store
        .newsroom_articles(&every(100, 0, Some(100)))
        .await
        .unwrap();
    let n = all.items.len();
    assert!(
        n >= 2 && !all.more && all.total == Some(n as u64),
        "{n} {} {:?}",
        all.more,
        all.total
    );
    let first = store
        .newsroom_articles(&every(1, 0, Some(1)))
        .await
        .unwrap();
    assert_eq!(
        (first.items.len(), first.more, first.total),
        (1, true, None)
    );
    assert_eq!(first.items[0], all.items[0], "most recently changed first");
    let last = store
        .newsroom_articles(&every(1, n as u32 - 1, None))
        .await
        .unwrap();
    assert_eq!((last.items.len(), last.more, last.total), (1, false, None));

    // The same bytes uploaded twice are one record.
    let m1 = store
        .insert_media("ab", "image/png", 10, 5, 99, &[10], Some(u.id), t(50))
        .await
        .unwrap();
    let m2 = store
        .insert_media("ab", "image/png", 10, 5, 99, &[10], Some(u.id), t(60))
        .await
        .unwrap();
    assert_eq!((m1.id, m1.widths.clone()), (m2.id, vec![10]));
}
both_backends!(
    newsroom_state_is_shared_through_the_store,
    super::newsroom_state_is_shared_through_the_store
);

async fn webhook_deliveries_are_leased_once_and_retried(store: Store) {
    use arabpress_store::Outcome;
    let w = store
        .create_webhook(
            "http://127.0.0.1:9/hook",
            &["article.published"],
            "whsec_x",
            None,
            t(0),
        )
        .await
        .unwrap();
    store
        .create_webhook(
            "http://127.0.0.1:9/other",
            &["article.unpublished"],
            "whsec_y",
            None,
            t(0),
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .enqueue_deliveries("article.published", "{}", t(1))
            .await
            .ok(),
        Some(1)
    );
    let first = store
        .claim_deliveries("one", t(2), t(60), 10)
        .await
        .unwrap();
    assert_eq!(
        first
            .iter()
            .map(|d| (d.url.as_str(), d.attempts))
            .collect::<Vec<_>>(),
        [("http://127.0.0.1:9/hook", 0)]
    );
    assert!(
        store
            .claim_deliveries("two", t(3), t(60), 10)
            .await
            .unwrap_or_default()
            .is_empty(),
        "leased"
    );
    let failed = Outcome::Failed {
        status: Some(503),
        error: "busy".into(),
        retry_at: Some(t(100)),
    };
    store
        .record_delivery(&first[0], "one", &failed, t(4))
        .await
        .unwrap();
    assert!(
        store
            .claim_deliveries("two", t(50), t(110), 10)
            .await
            .unwrap_or_default()
            .is_empty(),
        "not due"
    );
    // Its job in the queue says why and when it is tried again.
    let failing = store.failed_jobs(10).await.unwrap();
    assert_eq!(
        failing
            .iter()
            .map(|f| (
                f.kind.as_str(),
                f.subject,
                f.attempts,
                f.error.as_str(),
                f.run_at
            ))
            .collect::<Vec<_>>(),
        [(arabpress_store::WEBHOOKS, first[0].id, 1, "busy", t(100))]
    );
    let again = store
        .claim_deliveries("three", t(100), t(160), 10)
        .await
        .unwrap();
    assert_eq!(again.iter().map(|d| d.attempts).collect::<Vec<_>>(), [1]);
    store
        .record_delivery(
            &again[0],
            "three",
            &Outcome::Delivered { status: 204 },
            t(101),
        )
        .await
        .unwrap();
    let log = store.deliveries(w.id, 10).await.unwrap();
    assert_eq!(
        log.iter()
            .map(|d| (d.status.as_str(), d.attempts, d.response_status))
            .collect::<Vec<_>>(),
        [("delivered", 2, Some(204))]
    );
    assert!(
        store.queue_counts(t(101)).await.unwrap().is_empty(),
        "a delivered hook leaves the queue"
    );
    assert!(
        store
            .claim_deliveries("four", t(1000), t(1100), 10)
            .await
            .unwrap_or_default()
            .is_empty()
    );
}
both_backends!(
    webhook_deliveries_are_leased_once_and_retried,
    super::webhook_deliveries_are_leased_once_and_retried
);

/// The outbox: a send reaches each matching subscriber through one row; a claim is
/// fenced by its token, so a worker whose lease ran out cannot record a message that
/// another worker has taken since; leaving cancels what is still queued.
async fn the_outbox_sends_each_message_once(store: Store) {
    use arabpress_store::{NewSend, NewSubscriber, OutboxFailure};
    let rows: Vec<NewSubscriber> = [
        ("ar@example.org", "ar", "digest"),
        ("en@example.org", "en", "digest"),
        ("both@example.org", "both", "digest"),
        ("other@example.org", "ar", "breaking"),
    ]
    .iter()
    .map(|(e, l, list)| NewSubscriber {
        email: (*e).into(),
        langs: (*l).into(),
        lists: vec![(*list).into()],
    })
    .collect();
    let outcome = store.import_subscribers(&rows, t(0)).await.unwrap();
    assert!(outcome.iter().all(Option::is_none));
    let new = NewSend {
        dedupe_key: "digest:ar:digest:2026-02-02".into(),
        kind: "digest".into(),
        lang: "ar".into(),
        list: "digest".into(),
        subject: "موجز".into(),
        intro: String::new(),
        article_ids: vec![1, 2],
        created_by: None,
    };
    let send = store.create_send(&new, t(1)).await.unwrap();
    assert!(matches!(
        store.create_send(&new, t(2)).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(send.article_ids, vec![1, 2]);
    let n = store
        .queue_send(send.id, "<p>html</p>", "text", t(3))
        .await
        .unwrap();
    assert_eq!(n, 2, "ar and both read Arabic digests");
    assert!(matches!(
        store.queue_send(send.id, "x", "y", t(4)).await,
        Err(StoreError::Conflict(_))
    ));

    // Worker A claims both, then stalls past its lease; worker B takes them over.
    let a = store.claim_outbox("A", t(10), t(20), 10).await.unwrap();
    assert_eq!(a.len(), 2);
    assert!(
        store
            .claim_outbox("B", t(15), t(25), 10)
            .await
            .unwrap_or_default()
            .is_empty(),
        "held while the lease lasts"
    );
    let b = store.claim_outbox("B", t(21), t(80), 10).await.unwrap();
    assert_eq!(b.len(), 2);
    assert_eq!(b[0].attempts, 2);
    assert!(
        !store.mark_sent(a[0].id, "A", t(22)).await.unwrap_or(true),
        "A lost its claim and must not send"
    );
    assert!(store.mark_sent(b[0].id, "B", t(22)).await.unwrap_or(false));
    assert!(
        !store.mark_sent(b[0].id, "B", t(23)).await.unwrap_or(true),
        "recorded once"
    );
    // The second message is refused for now and comes back when due.
    store
        .record_outbox_failure(
            b[1].id,
            "B",
            &OutboxFailure::Retry(t(100), "421 try later".into()),
        )
        .await
        .unwrap();
    assert!(
        store
            .claim_outbox("C", t(90), t(95), 10)
            .await
            .unwrap_or_default()
            .is_empty()
    );
    let c = store.claim_outbox("C", t(100), t(160), 10).await.unwrap();
    assert_eq!(c.len(), 1);
    store
        .record_outbox_failure(
            c[0].id,
            "C",
            &OutboxFailure::Bounced("550 no such user".into()),
        )
        .await
        .unwrap();
    let stats = store.send_stats(send.id).await.unwrap();
    assert_eq!((stats.sent, stats.bounced, stats.queued), (1, 1, 0));
    let listed = store.sends_with_stats(10).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        listed[0].1, stats,
        "the list counts as the single send does"
    );
    assert!(
        store
            .send_exists("digest:ar:digest:2026-02-02")
            .await
            .unwrap_or(false)
    );
    assert!(
        !store
            .send_exists("digest:en:digest:2026-02-02")
            .await
            .unwrap_or(true)
    );
    let bounced = store
        .subscriber(c[0].subscriber_id)
        .await
        .unwrap_or_default()
        .map(|s| s.status);
    assert_eq!(bounced.as_deref(), Some("bounced"));
    assert_eq!(store.finish_sends(t(200)).await.unwrap_or(0), 1);
    assert_eq!(
        store
            .send(send.id)
            .await
            .unwrap_or_default()
            .map(|s| s.status)
            .as_deref(),
        Some("done")
    );

    // Leaving cancels queued messages at once.
    let breaking = store
        .create_send(
            &NewSend {
                dedupe_key: "breaking:7".into(),
                kind: "breaking".into(),
                list: "breaking".into(),
                ..new.clone()
            },
            t(300),
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .queue_send(breaking.id, "h", "t", t(301))
            .await
            .unwrap_or(0),
        1
    );
    let other = store
        .subscribers(&arabpress_store::SubscriberQuery {
            list: Some("breaking".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    store.unsubscribe(other.items[0].id, t(302)).await.unwrap();
    assert!(
        store
            .claim_outbox("D", t(303), t(400), 10)
            .await
            .unwrap_or_default()
            .is_empty()
    );
    assert_eq!(
        store
            .send_stats(breaking.id)
            .await
            .map(|s| s.cancelled)
            .unwrap_or(0),
        1
    );
}
both_backends!(
    the_outbox_sends_each_message_once,
    super::the_outbox_sends_each_message_once
);

/// On PostgreSQL a committed change wakes a listener; SQLite has nothing to listen to.
async fn committed_changes_are_announced(store: Store) {
    let listener = store.listen_changes().await.unwrap();
    let Some(mut listener) = listener else {
        assert_eq!(store.backend(), arabpress_store::Backend::Sqlite);
        return;
    };
    assert!(
        !listener.wait(std::time::Duration::from_millis(200)).await,
        "nothing announced yet"
    );
    seed(&store).await;
    publish(&store, draft(Lang::En, "Announced", "world", &[]), 0).await;
    assert!(
        listener.wait(std::time::Duration::from_secs(5)).await,
        "the commit is announced"
    );
}
both_backends!(
    committed_changes_are_announced,
    super::committed_changes_are_announced
);

/// Every table is either in an archive, known to be working state or kept from other
/// tables, so a new table cannot be left out of `arabpress export` unnoticed.
async fn every_table_is_archived_or_known_transient(store: Store) {
    use arabpress_store::{ARCHIVE_TABLES, DERIVED_TABLES, TRANSIENT_TABLES};
    let tables = store.table_names().await.unwrap();
    assert!(tables.len() >= ARCHIVE_TABLES.len(), "{tables:?}");
    for t in &tables {
        assert!(
            ARCHIVE_TABLES.contains(&t.as_str())
                || TRANSIENT_TABLES.contains(&t.as_str())
                || DERIVED_TABLES.contains(&t.as_str()),
            "table {t} is neither archived nor transient nor derived"
        );
    }
    for t in ARCHIVE_TABLES
        .iter()
        .chain(TRANSIENT_TABLES)
        .chain(DERIVED_TABLES)
    {
        assert!(tables.iter().any(|x| x == t), "{t} is not a table");
    }
}
both_backends!(
    every_table_is_archived_or_known_transient,
    super::every_table_is_archived_or_known_transient
);

/// Thirty sign-in attempts at once on one scope: each is recorded before it is counted, so
/// no more than five of them see a count of five or less.
async fn sign_in_attempts_are_counted_as_they_are_recorded(store: Store) {
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..30 {
        let store = store.clone();
        set.spawn(async move {
            store
                .record_login_attempt(&["pair:a|1", "account:a"], t(10), t(0))
                .await
        });
    }
    let mut under = 0;
    let mut ids = Vec::new();
    while let Some(r) = set.join_next().await {
        let (i, counts) = r.unwrap().unwrap();
        assert_eq!((i.len(), counts.len()), (2, 2));
        if counts[0] <= 5 {
            under += 1;
        }
        ids = i;
    }
    assert!(under <= 5, "{under} attempts saw room under the limit");
    assert_eq!(store.login_failures("pair:a|1", t(0)).await.ok(), Some(30));
    // A successful attempt forgets its own rows.
    store.forget_login_attempts(&ids).await.unwrap();
    assert_eq!(store.login_failures("pair:a|1", t(0)).await.ok(), Some(29));
    assert_eq!(store.login_failures("account:a", t(0)).await.ok(), Some(29));
}
both_backends!(
    sign_in_attempts_are_counted_as_they_are_recorded,
    super::sign_in_attempts_are_counted_as_they_are_recorded
);

/// Tokens are listed without secrets, carry their expiry, and are revoked one by one or all
/// of a user's at once.
async fn tokens_are_listed_and_revoked(store: Store) {
    use arabpress_core::Role;
    let a = store
        .create_user("a@x.example", "A", Role::Author, "$argon2id$fake", t(0))
        .await
        .unwrap();
    let b = store
        .create_user("b@x.example", "B", Role::Author, "$argon2id$fake", t(0))
        .await
        .unwrap();
    let t1 = store
        .create_token(a.id, "laptop", "ha1", t(1), t(100))
        .await
        .unwrap();
    store
        .create_token(a.id, "ci", "ha2", t(2), t(100))
        .await
        .unwrap();
    store
        .create_token(b.id, "phone", "hb1", t(3), t(100))
        .await
        .unwrap();
    let mine = store.tokens(Some(a.id)).await.unwrap();
    assert_eq!(
        mine.iter().map(|x| x.name.as_str()).collect::<Vec<_>>(),
        ["ci", "laptop"]
    );
    assert_eq!(mine[1].expires_at, Some(t(100)));
    assert_eq!(store.tokens(None).await.map(|v| v.len()).ok(), Some(3));
    let owner = store.token_owner("ha1").await.ok().flatten();
    assert_eq!(owner.map(|(u, e)| (u.id, e)), Some((a.id, Some(t(100)))));
    assert_eq!(store.revoke_token(t1, t(5)).await.ok(), Some(true));
    assert_eq!(store.revoke_token(t1, t(6)).await.ok(), Some(false));
    assert!(store.token_owner("ha1").await.ok().flatten().is_none());
    assert!(store.token_owner("ha2").await.ok().flatten().is_some());
    assert_eq!(store.revoke_tokens_of(a.id, t(7)).await.ok(), Some(1));
    assert!(store.token_owner("ha2").await.ok().flatten().is_none());
    assert!(
        store.token_owner("hb1").await.ok().flatten().is_some(),
        "another member's token stays"
    );
}
both_backends!(
    tokens_are_listed_and_revoked,
    super::tokens_are_listed_and_revoked
);

/// A pending revision is kept off the article and its revision list until removed.
async fn pending_revisions_stay_off_the_article(store: Store) {
    seed(&store).await;
    let a = publish(&store, draft(Lang::En, "Live", "world", &[]), 0).await;
    let id = a.summary.id;
    let before = store.revisions(id).await.unwrap();
    let change = draft(Lang::En, "Changed by a contributor", "world", &[]);
    let writer = store
        .create_user(
            "c@x.example",
            "C",
            arabpress_core::Role::Contributor,
            "$argon2id$fake",
            t(0),
        )
        .await
        .unwrap();
    let p = store
        .add_pending_revision(id, a.version, &change, writer.id, t(5))
        .await
        .unwrap();
    let live = store
        .article_by_id(id)
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("gone"));
    assert_eq!(live.summary.headline, "Live");
    assert_eq!(store.revisions(id).await.ok(), Some(before));
    let pending = store.pending_revisions(None).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].draft.headline, "Changed by a contributor");
    assert_eq!(pending[0].live_headline, "Live");
    assert_eq!(pending[0].base_version, a.version);
    assert_eq!(pending[0].user_name.as_deref(), Some("C"));
    assert_eq!(store.delete_pending_revision(id, p).await.ok(), Some(true));
    assert_eq!(store.delete_pending_revision(id, p).await.ok(), Some(false));
    assert!(store.pending_revision(id, p).await.ok().flatten().is_none());
}
both_backends!(
    pending_revisions_stay_off_the_article,
    super::pending_revisions_stay_off_the_article
);

/// Saves from many connections at once: each one reads (section, slug, version) before it
/// writes, and none is refused because another connection committed in between.
async fn concurrent_saves_all_succeed(store: Store) {
    seed(&store).await;
    let mut tasks = tokio::task::JoinSet::new();
    for w in 0..8 {
        let store = store.clone();
        tasks.spawn(async move {
            let headline = format!("Writer {w}");
            let mut a = store
                .create_article(
                    draft(Lang::En, &headline, "world", &["desk"]),
                    ArticleStatus::Draft,
                    None,
                    None,
                    t(w),
                )
                .await
                .unwrap_or_else(|e| panic!("create {w}: {e}"));
            for i in 0..12 {
                let d = draft(
                    Lang::En,
                    &format!("{headline}, edit {i}"),
                    "world",
                    &["desk"],
                );
                a = store
                    .update_article(a.summary.id, a.version, d, None, t(100 + i))
                    .await
                    .unwrap_or_else(|e| panic!("writer {w}, edit {i}: {e}"));
            }
            a
        });
    }
    while let Some(done) = tasks.join_next().await {
        let a = done.unwrap();
        assert!(
            a.summary.headline.ends_with("edit 11"),
            "{}",
            a.summary.headline
        );
    }
}
both_backends!(
    concurrent_saves_all_succeed,
    super::concurrent_saves_all_succeed
);

/// Webhook deliveries are queued by the store in the transaction that changes the article,
/// so a process that dies right after the commit has lost no notification.
async fn webhook_deliveries_commit_with_the_change(store: Store) {
    seed(&store).await;
    let hook = store
        .create_webhook(
            "https://hooks.example.org/in",
            &[
                "article.published",
                "article.updated",
                "article.unpublished",
            ],
            "whsec_test",
            None,
            t(0),
        )
        .await
        .unwrap();
    let a = store
        .create_article(
            draft(Lang::En, "Harbour reopens", "world", &[]),
            ArticleStatus::Draft,
            None,
            None,
            t(1),
        )
        .await
        .unwrap();
    let id = a.summary.id;
    let events = |store: Store| async move {
        let mut d = store.deliveries(hook.id, 10).await.unwrap();
        d.reverse();
        d.into_iter().map(|d| d.event).collect::<Vec<_>>()
    };
    assert!(
        events(store.clone()).await.is_empty(),
        "a draft notifies no one"
    );
    store
        .set_status(id, ArticleStatus::Published, None, t(2))
        .await
        .unwrap();
    assert_eq!(events(store.clone()).await, ["article.published"]);
    let v = store
        .article_by_id(id)
        .await
        .unwrap()
        .map(|a| a.version)
        .unwrap_or_default();
    store
        .update_article(
            id,
            v,
            draft(Lang::En, "Harbour reopens at dawn", "world", &[]),
            None,
            t(3),
        )
        .await
        .unwrap();
    store
        .set_status(id, ArticleStatus::Unpublished, None, t(4))
        .await
        .unwrap();
    // Withdrawing what is not published tells no one.
    store
        .set_status(id, ArticleStatus::Unpublished, None, t(5))
        .await
        .unwrap();
    assert_eq!(
        events(store.clone()).await,
        [
            "article.published",
            "article.updated",
            "article.unpublished"
        ]
    );
    // A scheduled article's delivery is queued when the scheduler publishes it.
    let b = store
        .create_article(
            draft(Lang::En, "Port strike ends", "world", &[]),
            ArticleStatus::Draft,
            None,
            None,
            t(6),
        )
        .await
        .unwrap();
    store.schedule(b.summary.id, t(10), t(7)).await.unwrap();
    store.publish_due(t(11)).await.unwrap();
    assert_eq!(events(store.clone()).await.len(), 4);
    let due = store
        .claim_deliveries("one", t(12), t(60), 10)
        .await
        .unwrap();
    assert_eq!(due.len(), 4);
    let payload = due
        .iter()
        .filter_map(|d| serde_json::from_str::<serde_json::Value>(&d.payload).ok())
        .find(|p| p["article"]["id"] == b.summary.id)
        .unwrap_or_else(|| panic!("no delivery about the scheduled article"));
    assert_eq!(payload["event"], "article.published");
    assert_eq!(payload["article"]["status"], "published");
}
both_backends!(
    webhook_deliveries_commit_with_the_change,
    super::webhook_deliveries_commit_with_the_change
);

/// Settings are rows of JSON text; a save writes them, an audit line each and one
/// `settings` change event together, and replaces an earlier value.
async fn site_settings_are_saved_audited_and_announced(store: Store) {
    use arabpress_core::Role;
    let u = store
        .create_user(
            "admin@example.org",
            "Admin",
            Role::Admin,
            "$argon2id$fake",
            t(1),
        )
        .await
        .unwrap();
    assert!(store.site_settings().await.unwrap_or_default().is_empty());
    let before = store.last_change_id().await.unwrap_or(-1);
    assert_eq!(store.settings_change_after(before).await.ok(), Some(None));
    // Nothing to write: no event.
    assert_eq!(
        store.save_site_settings(&[], Some(u.id), t(2)).await.ok(),
        Some(0)
    );
    assert_eq!(store.last_change_id().await.unwrap_or(-1), before);
    let rows = vec![
        ("name_en".to_owned(), "\"Gulf Press\"".to_owned()),
        ("comments".to_owned(), "true".to_owned()),
    ];
    let id = store
        .save_site_settings(&rows, Some(u.id), t(3))
        .await
        .unwrap();
    assert!(id > before);
    assert_eq!(
        store.settings_change_after(before).await.ok(),
        Some(Some(id))
    );
    assert_eq!(store.settings_change_after(id).await.ok(), Some(None));
    let again = vec![("name_en".to_owned(), "\"Levant Press\"".to_owned())];
    store.save_site_settings(&again, None, t(4)).await.unwrap();
    assert_eq!(
        store.site_settings().await.unwrap_or_default(),
        vec![
            ("comments".to_owned(), "true".to_owned()),
            ("name_en".to_owned(), "\"Levant Press\"".to_owned()),
        ]
    );
    let audit = store.audit_of("settings", 0).await.unwrap_or_default();
    let lines: Vec<(Option<i64>, &str)> = audit
        .iter()
        .map(|a| (a.user_id, a.detail.as_str()))
        .collect();
    assert_eq!(
        lines,
        vec![
            (Some(u.id), "name_en = \"Gulf Press\""),
            (Some(u.id), "comments = true"),
            (None, "name_en = \"Levant Press\""),
        ]
    );
    assert!(audit.iter().all(|a| a.action == "setting_changed"));
}
both_backends!(
    site_settings_are_saved_audited_and_announced,
    super::site_settings_are_saved_audited_and_announced
);

/// The audit log reads newest first with the actor's name and what the thing is called
/// now, filters by action, member and kind of thing, and pages below an id: every line
/// once, in order, whatever the page size, and lines written meanwhile do not shift it.
async fn the_audit_log_pages_newest_first_and_filters(store: Store) {
    use arabpress_core::Role;
    use arabpress_store::AuditQuery;
    seed(&store).await;
    let editor = store
        .create_user(
            "editor@example.org",
            "Layla Haddad",
            Role::Editor,
            "$argon2id$fake",
            t(1),
        )
        .await
        .unwrap();
    let a = publish(&store, draft(Lang::Ar, "مياه الشرب", "world", &[]), 2).await;
    let id = a.summary.id;
    let write = |who: Option<i64>, action: &'static str, entity: &'static str, on: i64, at| {
        let store = store.clone();
        async move {
            store
                .audit(who, action, entity, on, "", t(at))
                .await
                .unwrap();
        }
    };
    write(Some(editor.id), "published", "article", id, 3).await;
    write(Some(editor.id), "role_changed", "user", editor.id, 4).await;
    write(None, "published", "article", 999, 5).await;
    write(Some(editor.id), "unpublished", "article", id, 6).await;
    write(None, "setting_changed", "settings", 0, 7).await;

    let all = store
        .audit_log(&AuditQuery {
            limit: 50,
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    let seen: Vec<(&str, Option<&str>, Option<&str>)> = all
        .lines
        .iter()
        .map(|l| {
            (
                l.entry.action.as_str(),
                l.user_name.as_deref(),
                l.subject.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            ("setting_changed", None, None),
            ("unpublished", Some("Layla Haddad"), Some("مياه الشرب")),
            ("published", None, None),
            ("role_changed", Some("Layla Haddad"), Some("Layla Haddad")),
            ("published", Some("Layla Haddad"), Some("مياه الشرب")),
        ]
    );
    assert_eq!(all.next, None, "one page holds them all");
    assert_eq!(all.lines.last().map(|l| l.entry.at), Some(t(3)));

    let only = |q: AuditQuery| {
        let store = store.clone();
        async move {
            store
                .audit_log(&AuditQuery { limit: 50, ..q })
                .await
                .unwrap()
                .lines
                .into_iter()
                .map(|l| (l.entry.action, l.entry.entity_id))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        only(AuditQuery {
            action: Some("published".into()),
            ..AuditQuery::default()
        })
        .await,
        vec![("published".to_owned(), 999), ("published".to_owned(), id)]
    );
    assert_eq!(
        only(AuditQuery {
            user_id: Some(editor.id),
            entity: Some("article".into()),
            ..AuditQuery::default()
        })
        .await,
        vec![("unpublished".to_owned(), id), ("published".to_owned(), id)]
    );
    assert_eq!(
        only(AuditQuery {
            action: Some("no_such_action".into()),
            ..AuditQuery::default()
        })
        .await,
        vec![]
    );

    // Two at a time: every line once, newest first; a line written between pages lands
    // before the cursor and is not seen on the older pages.
    let mut before = None;
    let mut paged = Vec::new();
    let mut pages = 0;
    loop {
        let page = store
            .audit_log(&AuditQuery {
                before,
                limit: 2,
                ..AuditQuery::default()
            })
            .await
            .unwrap();
        assert!(page.lines.len() <= 2);
        paged.extend(page.lines.iter().map(|l| l.id));
        pages += 1;
        if pages == 1 {
            write(Some(editor.id), "corrected", "article", id, 8).await;
        }
        match page.next {
            Some(n) => before = Some(n),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let ids: Vec<i64> = all.lines.iter().map(|l| l.id).collect();
    assert_eq!(paged, ids);
}
both_backends!(
    the_audit_log_pages_newest_first_and_filters,
    super::the_audit_log_pages_newest_first_and_filters
);

async fn deleting_a_webhook_writes_its_audit_line_in_the_same_step(store: Store) {
    let w = store
        .create_webhook(
            "https://hooks.example/deploy",
            &["article.published"],
            "whsec_x",
            None,
            t(0),
        )
        .await
        .unwrap();
    store.delete_webhook(w.id, None, t(5)).await.unwrap();
    let log = store.audit_of("webhook", w.id).await.unwrap();
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0].action, "webhook_deleted");
    assert_eq!(
        log[0].detail, "https://hooks.example/deploy",
        "the line names what went"
    );
    assert_eq!(log[0].at, t(5));
    // A webhook that is not there: refused, and no line says it was deleted.
    let again = store.delete_webhook(w.id, None, t(6)).await;
    assert!(matches!(again, Err(StoreError::NotFound(_))), "{again:?}");
    let log = store.audit_of("webhook", w.id).await.unwrap();
    assert_eq!(log.len(), 1, "{log:?}");
}
both_backends!(
    deleting_a_webhook_writes_its_audit_line_in_the_same_step,
    super::deleting_a_webhook_writes_its_audit_line_in_the_same_step
);

/// The CDN purge's place in the change feed: one holder at a time (until its lease ends),
/// a position that moves only when the changes were sent, the keys kept per article, and a
/// skip to the feed's end for a site with no purge hook.
async fn the_purge_position_is_leased_and_moves_only_when_sent(store: Store) {
    seed(&store).await;
    let now = t(1_000);
    let from = store
        .claim_purge(t(1_060), now)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("nobody holds the purge"));
    assert_eq!(
        store.claim_purge(t(1_060), now).await.unwrap(),
        None,
        "held by the first"
    );
    let a = publish(
        &store,
        draft(Lang::En, "Cranes arrive", "world", &["birds", "autumn"]),
        100,
    )
    .await;
    // What its keys name, read for many articles at once (a gone one is left out).
    let links = store
        .article_links(&[a.summary.id, a.summary.id + 1_000])
        .await
        .unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!(
        (links[0].id, links[0].lang.as_str(), links[0].section_id),
        (a.summary.id, "en", a.summary.section_id)
    );
    let mut tags = links[0].tag_ids.clone();
    tags.sort_unstable();
    let mut want: Vec<i64> = a.tags.iter().map(|t| t.id).collect();
    want.sort_unstable();
    assert_eq!((tags.len(), tags), (2, want));
    assert_eq!(
        links[0].author_ids,
        a.authors.iter().map(|x| x.id).collect::<Vec<_>>(),
        "bylines in their order"
    );
    let changes = store.changes_after(from, 100).await.unwrap();
    assert!(
        changes
            .iter()
            .any(|c| c.entity == "article" && c.entity_id == a.summary.id),
        "{changes:?}"
    );
    assert!(changes.windows(2).all(|w| w[0].id < w[1].id));
    // Given back unsent: the next holder starts at the same place.
    store.release_purge(None).await.unwrap();
    assert_eq!(store.claim_purge(t(1_060), now).await.unwrap(), Some(from));
    let to = changes.last().map(|c| c.id).unwrap_or_default();
    let kept = vec![(a.summary.id, "[\"article:1\",\"section:1\"]".to_owned())];
    store.release_purge(Some((to, &kept))).await.unwrap();
    assert_eq!(
        store
            .purged_keys(&[a.summary.id, a.summary.id + 1])
            .await
            .unwrap(),
        kept
    );
    // A holder that stopped without giving it back is taken over once its lease ends.
    assert_eq!(store.claim_purge(t(1_060), now).await.unwrap(), Some(to));
    assert_eq!(store.claim_purge(t(1_200), t(1_030)).await.unwrap(), None);
    assert_eq!(
        store.claim_purge(t(1_200), t(1_061)).await.unwrap(),
        Some(to)
    );
    store.release_purge(None).await.unwrap();
    // With no hook the position follows the feed's end without sending anything.
    publish(&store, draft(Lang::En, "More cranes", "world", &[]), 200).await;
    let end = store
        .changes_after(to, 100)
        .await
        .unwrap()
        .last()
        .map(|c| c.id)
        .unwrap_or_default();
    assert!(end > to);
    store.skip_purge().await.unwrap();
    assert_eq!(store.claim_purge(t(1_060), now).await.unwrap(), Some(end));
}
both_backends!(
    the_purge_position_is_leased_and_moves_only_when_sent,
    super::the_purge_position_is_leased_and_moves_only_when_sent
);

/// The job queue: publishing (and editing a published article) queues its speaking in the
/// same transaction, a draft queues nothing, a job is leased by one worker at a time, a
/// change during a round keeps the row for another, a failure is retried at its time with
/// its reason, and "retry now" makes the failures due.
async fn work_that_follows_a_change_is_queued_with_it_and_leased_once(store: Store) {
    use arabpress_store::SPEAK;
    seed(&store).await;
    let a = publish(&store, draft(Lang::En, "Cranes arrive", "world", &[]), 100).await;
    let d = store
        .create_article(
            draft(Lang::En, "Not yet", "world", &[]),
            ArticleStatus::Draft,
            None,
            None,
            t(100),
        )
        .await
        .unwrap();
    let now = t(200);
    let first = store
        .claim_jobs(SPEAK, "one", now, t(260), 10)
        .await
        .unwrap();
    assert_eq!(
        first.iter().map(|j| j.subject).collect::<Vec<_>>(),
        [a.summary.id],
        "the published article waits to be spoken, the draft does not"
    );
    assert!(
        store
            .claim_jobs(SPEAK, "two", now, t(260), 10)
            .await
            .unwrap()
            .is_empty(),
        "held by the first worker"
    );
    let counts = store.queue_counts(now).await.unwrap();
    assert_eq!(
        counts
            .iter()
            .map(|c| (c.kind.as_str(), c.queued, c.due, c.running, c.failing))
            .collect::<Vec<_>>(),
        [(SPEAK, 1, 0, 1, 0)]
    );
    // Edited while the first round runs: the round's end keeps the row for another.
    let mut edited = draft(Lang::En, "Cranes arrive early", "world", &[]);
    edited.slug = Some(slug(&a.summary.slug));
    store
        .update_article(a.summary.id, a.version, edited, None, t(210))
        .await
        .unwrap();
    assert!(!store.finish_job(&first[0], "one").await.unwrap());
    let again = store
        .claim_jobs(SPEAK, "two", t(220), t(280), 10)
        .await
        .unwrap();
    assert_eq!(again.len(), 1);
    assert!(again[0].generation > first[0].generation);
    // A failure: not due before its time, then due with its reason and attempts.
    store
        .retry_job(&again[0], "two", "voice not found", t(600))
        .await
        .unwrap();
    assert!(
        store
            .claim_jobs(SPEAK, "three", t(300), t(360), 10)
            .await
            .unwrap()
            .is_empty()
    );
    let failed = store.failed_jobs(10).await.unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(
        (
            failed[0].subject,
            failed[0].attempts,
            failed[0].error.as_str()
        ),
        (a.summary.id, 1, "voice not found")
    );
    assert_eq!(failed[0].run_at, t(600));
    assert_eq!(store.retry_failed_jobs(SPEAK, t(300)).await.unwrap(), 1);
    let retried = store
        .claim_jobs(SPEAK, "three", t(300), t(360), 10)
        .await
        .unwrap();
    assert_eq!(retried.len(), 1);
    assert_eq!(retried[0].attempts, 1);
    // Done: the row goes. A worker that stopped without a word is taken over after its lease.
    assert!(store.finish_job(&retried[0], "three").await.unwrap());
    assert!(store.queue_counts(t(300)).await.unwrap().is_empty());
    store
        .set_status(d.summary.id, ArticleStatus::Published, Some(t(400)), t(400))
        .await
        .unwrap();
    let held = store
        .claim_jobs(SPEAK, "four", t(400), t(460), 10)
        .await
        .unwrap();
    assert_eq!(
        held.iter().map(|j| j.subject).collect::<Vec<_>>(),
        [d.summary.id]
    );
    assert!(
        store
            .claim_jobs(SPEAK, "five", t(459), t(520), 10)
            .await
            .unwrap()
            .is_empty()
    );
    let taken = store
        .claim_jobs(SPEAK, "five", t(461), t(520), 10)
        .await
        .unwrap();
    assert_eq!(taken.len(), 1);
    assert!(
        !store.finish_job(&held[0], "four").await.unwrap(),
        "no longer the holder's"
    );
    assert!(store.finish_job(&taken[0], "five").await.unwrap());
}
both_backends!(
    work_that_follows_a_change_is_queued_with_it_and_leased_once,
    super::work_that_follows_a_change_is_queued_with_it_and_leased_once
);
