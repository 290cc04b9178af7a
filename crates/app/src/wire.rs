//! Wire feeds: an editor registers an RSS, Atom or JSON feed with its credit line,
//! language, section and whether its stories publish at once or wait for review; the
//! worker polls the due ones (claimed, so one node polls a feed at a time) with a
//! conditional GET, bounded in time and size, and makes an article of each new item, with
//! the credit and the original's address. An item never arrives twice (`Store::create_wire_article`
//! checks its GUID and link in the transaction that makes the article), and publishing runs
//! the usual near-duplicate grouping, so the same story from two agencies shows once. A
//! feed that fails (unreachable, not a feed, too large, hostile) records why and is tried
//! again at its next turn; the others go on.

use crate::newsroom::forbidden;
use crate::outbound::{Http, Purpose};
use crate::remote::{Fetched, Validators, body_of, plain};
use crate::{App, AppError, random_hex};
use arabpress_core::article::{MAX_HEADLINE, MAX_STANDFIRST};
use arabpress_core::{ArticleDraft, ArticleKind, ArticleStatus, Lang, Slug, SourceCredit, User};
use arabpress_store::{NewWireFeed, WireArticle, WireFeed, WirePoll};
use jiff::{SignedDuration, Timestamp};

/// The largest feed read, in bytes.
pub const MAX_FEED_BYTES: usize = 5 << 20;
/// Feeds claimed per round.
const CLAIM: u32 = 10;

/// A feed as an editor registers it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WireFeedForm {
    /// Its address (http or https).
    pub url: String,
    /// The credit line (the agency's name), also the stories' byline.
    pub name: String,
    /// `ar` or `en`.
    pub lang: String,
    /// The section's slug.
    pub section: String,
    /// Publish stories at once (else they wait for review).
    pub publish: bool,
    /// Minutes between polls (5 to 1440; 0 for 15).
    pub interval_minutes: i64,
}

/// What a poll of one feed did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollOutcome {
    /// The feed.
    pub feed_id: i64,
    /// `ok`, `not modified` or `error`.
    pub status: &'static str,
    /// Stories made.
    pub new_items: i64,
    /// Why it failed.
    pub error: Option<String>,
}

fn draft_of(f: &WireFeed, item: &arabpress_ingest::feed::FeedItem) -> Result<ArticleDraft, String> {
    let lang: Lang = f.lang.parse().map_err(|e| format!("{e}"))?;
    let mut headline = plain(&item.title);
    if headline.is_empty() {
        return Err("no title".into());
    }
    if headline.chars().count() > MAX_HEADLINE {
        headline = arabpress_core::markdown::excerpt(&headline, MAX_HEADLINE - 1);
    }
    let html = if item.content.trim().is_empty() {
        &item.summary
    } else {
        &item.content
    };
    if plain(html).is_empty() {
        return Err("no text".into());
    }
    let standfirst = if item.content.trim().is_empty() {
        String::new()
    } else {
        arabpress_core::markdown::excerpt(&plain(&item.summary), MAX_STANDFIRST - 1)
    };
    let link = item.link.trim();
    let url =
        (link.starts_with("https://") || link.starts_with("http://")).then(|| link.to_owned());
    let draft = ArticleDraft {
        lang,
        slug: None,
        headline,
        standfirst,
        body_md: body_of(html),
        kind: ArticleKind::News,
        section: Slug::parse(&f.section_slug).map_err(|e| e.to_string())?,
        tags: Vec::new(),
        authors: vec![Slug::parse(&f.author_slug).map_err(|e| e.to_string())?],
        source: Some(SourceCredit {
            name: f.name.clone(),
            url,
        }),
        image: None,
        seo_title: None,
        seo_description: None,
    };
    draft.validate().map_err(|e| e.to_string())
}

impl App {
    /// Every wire feed, for the operator's command line.
    pub async fn wire_feeds(&self) -> Result<Vec<WireFeed>, AppError> {
        Ok(self.store().wire_feeds().await?)
    }

    /// Registers a feed, for an editor. Its byline is an author named after the credit
    /// line, made when missing.
    pub async fn add_wire_feed_as(
        &self,
        actor: &User,
        form: &WireFeedForm,
    ) -> Result<WireFeed, AppError> {
        if !actor.role.can_manage_wire() {
            return Err(forbidden(actor, "manage wire feeds"));
        }
        let feed = self.add_wire_feed(form).await?;
        self.store()
            .audit(
                Some(actor.id),
                "wire_feed_added",
                "wire_feed",
                feed.id,
                &feed.url,
                self.now(),
            )
            .await?;
        Ok(feed)
    }

    /// Registers a feed (for the command line; see [`App::add_wire_feed_as`]).
    pub async fn add_wire_feed(&self, form: &WireFeedForm) -> Result<WireFeed, AppError> {
        let url = form.url.trim();
        if !(url.starts_with("http://") || url.starts_with("https://"))
            || url.len() > 2000
            || url.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(AppError::invalid(
                "url",
                "invalid-url",
                "give the feed's http(s) address",
            ));
        }
        self.vet_destination(url, Purpose::Wire)
            .await
            .map_err(|r| AppError::Invalid(r.on("url")))?;
        let name = arabpress_core::article::collapse_ws(&form.name);
        if name.is_empty() || name.chars().count() > 100 {
            return Err(AppError::invalid(
                "name",
                "invalid-wire-name",
                "give the credit line, 1 to 100 characters",
            ));
        }
        let lang: Lang = form
            .lang
            .parse()
            .map_err(|_| AppError::invalid("lang", "invalid-lang", "ar or en"))?;
        let section = self
            .sections()
            .await?
            .iter()
            .find(|s| s.slug.as_str() == form.section.trim())
            .cloned()
            .ok_or_else(|| {
                AppError::invalid("section", "invalid-section-choose", "choose a section")
            })?;
        let interval = match form.interval_minutes {
            0 => 15,
            n if (5..=1440).contains(&n) => n,
            _ => {
                return Err(AppError::invalid(
                    "interval",
                    "invalid-interval",
                    "between 5 and 1440 minutes",
                ));
            }
        };
        let slug = Slug::generate(&name).ok_or_else(|| {
            AppError::invalid(
                "name",
                "invalid-wire-byline",
                "no byline can be made from it",
            )
        })?;
        let author = match self.store().author_by_slug(slug.as_str()).await? {
            Some(a) => a,
            None => {
                self.store()
                    .create_author(&slug, &name, &name, "", "")
                    .await?
            }
        };
        let feed = self
            .store()
            .create_wire_feed(
                &NewWireFeed {
                    url: url.to_owned(),
                    name,
                    lang: lang.code().to_owned(),
                    section_id: section.id,
                    author_id: author.id,
                    publish: form.publish,
                    interval_minutes: interval,
                },
                self.now(),
            )
            .await?;
        Ok(feed)
    }

    /// Every feed, for an editor.
    pub async fn wire_feeds_as(&self, actor: &User) -> Result<Vec<WireFeed>, AppError> {
        if !actor.role.can_manage_wire() {
            return Err(forbidden(actor, "manage wire feeds"));
        }
        Ok(self.store().wire_feeds().await?)
    }

    /// Pauses or resumes a feed, for an editor.
    pub async fn set_wire_feed_active_as(
        &self,
        actor: &User,
        id: i64,
        active: bool,
    ) -> Result<(), AppError> {
        if !actor.role.can_manage_wire() {
            return Err(forbidden(actor, "manage wire feeds"));
        }
        Ok(self
            .store()
            .set_wire_feed_active(id, active, self.now())
            .await?)
    }

    /// Removes a feed (its stories stay), for an editor.
    pub async fn delete_wire_feed_as(&self, actor: &User, id: i64) -> Result<(), AppError> {
        if !actor.role.can_manage_wire() {
            return Err(forbidden(actor, "manage wire feeds"));
        }
        self.store()
            .delete_wire_feed(id, Some(actor.id), self.now())
            .await?;
        Ok(())
    }

    /// Polls the feeds that are due; returns what each poll did.
    pub async fn poll_wire_feeds(&self) -> Result<Vec<PollOutcome>, AppError> {
        self.poll(None).await
    }

    /// Polls one feed now, for an editor ("check now"; see [`App::poll_wire_feed`]).
    pub async fn poll_wire_feed_as(
        &self,
        actor: &User,
        id: i64,
    ) -> Result<Option<PollOutcome>, AppError> {
        if !actor.role.can_manage_wire() {
            return Err(forbidden(actor, "manage wire feeds"));
        }
        self.poll_wire_feed(id).await
    }

    /// Polls one feed now, due or not (unless another node is polling it).
    pub async fn poll_wire_feed(&self, id: i64) -> Result<Option<PollOutcome>, AppError> {
        Ok(self.poll(Some(id)).await?.into_iter().next())
    }

    async fn poll(&self, only: Option<i64>) -> Result<Vec<PollOutcome>, AppError> {
        let claim = random_hex(16)?;
        let now = self.now();
        let feeds = self
            .store()
            .claim_wire_feeds(&claim, only, now, now + SignedDuration::from_mins(5), CLAIM)
            .await?;
        if feeds.is_empty() {
            return Ok(Vec::new());
        }
        let client = self.outbound(Purpose::Wire)?;
        let mut out = Vec::with_capacity(feeds.len());
        for f in feeds {
            let outcome = self.poll_one(&client, &f).await;
            let (status, error, etag, last_modified, new_items) = match outcome {
                Ok(None) => ("not modified", None, None, None, 0),
                Ok(Some((n, etag, lm))) => ("ok", None, etag, lm, n),
                Err(e) => {
                    tracing::warn!(feed = f.id, url = %f.url, error = %e, "wire feed refused");
                    ("error", Some(e), None, None, 0)
                }
            };
            let poll = WirePoll {
                status,
                error: error.clone(),
                etag,
                last_modified,
                new_items,
                next_poll_at: self.now() + SignedDuration::from_mins(f.interval_minutes.max(1)),
            };
            self.store()
                .record_wire_poll(f.id, &claim, &poll, self.now())
                .await?;
            out.push(PollOutcome {
                feed_id: f.id,
                status,
                new_items,
                error,
            });
        }
        Ok(out)
    }

    /// Fetches and reads one feed and makes its new stories: `None` when unchanged, else
    /// the number made and the validators to send next time.
    async fn poll_one(
        &self,
        client: &Http,
        f: &WireFeed,
    ) -> Result<Option<(i64, Option<String>, Option<String>)>, String> {
        let since = Validators {
            etag: f.etag.clone(),
            last_modified: f.last_modified.clone(),
        };
        let (body, got) = match crate::remote::get(client, &f.url, MAX_FEED_BYTES, &since).await {
            Ok(Fetched::NotModified) => return Ok(None),
            Ok(Fetched::Body(body, got)) => (body, got),
            Err(e) => return Err(e.to_string()),
        };
        let feed = arabpress_ingest::feed::parse(&body).map_err(|e| e.to_string())?;
        let status = if f.publish {
            ArticleStatus::Published
        } else {
            ArticleStatus::InReview
        };
        let mut made = 0;
        // Oldest first, so stories keep the feed's order.
        for item in feed.items.iter().rev() {
            let guid = if item.guid.is_empty() {
                &item.link
            } else {
                &item.guid
            };
            if guid.is_empty() {
                continue;
            }
            match self.store().wire_item_seen(f.id, guid, &item.link).await {
                Ok(true) => continue,
                Ok(false) => {}
                Err(e) => return Err(e.to_string()),
            }
            let draft = match draft_of(f, item) {
                Ok(d) => d,
                Err(reason) => {
                    tracing::info!(feed = f.id, guid = %guid, %reason, "wire item left out");
                    continue;
                }
            };
            let _writing = self.writing();
            let now = self.now();
            let published_at = (status == ArticleStatus::Published).then(|| {
                item.published
                    .and_then(|s| Timestamp::from_second(s).ok())
                    .map_or(now, |t| t.min(now))
            });
            let made_id = self
                .store()
                .create_wire_article(
                    WireArticle {
                        feed_id: f.id,
                        guid: guid.clone(),
                        link: item.link.clone(),
                        draft,
                        status,
                        published_at,
                    },
                    now,
                )
                .await
                .map_err(|e| e.to_string())?;
            if let Some(id) = made_id {
                made += 1;
                if let Ok(Some(a)) = self.store().article_by_id(id).await {
                    self.invalidate(None, Some(&a));
                }
                self.reflect(&[id], true).await;
            }
        }
        Ok(Some((made, got.etag, got.last_modified)))
    }
}
