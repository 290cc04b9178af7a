//! The newsletter: sign-up with double opt-in, signed links for confirming, changing and
//! leaving, the subscriber list, and the sends (the daily digest and breaking news).
//!
//! Links carry the subscriber's id and an HMAC-SHA256 of purpose, id and address under a
//! site key kept in the store (so every node checks every link); the confirmation link
//! also carries its expiry. Nothing but the key is needed to check a link, and changing
//! the address or the key voids every link.

use crate::accounts::{hex, hmac_sha256, hmac_sha256_verify};
use crate::newsroom::forbidden;
use crate::{App, AppError, random_hex};
use arabpress_core::model::ArticleSummary;
use arabpress_core::user::User;
use arabpress_core::{ArticleStatus, Conflict, Lang};
use arabpress_store::{
    ListQuery, NewSend, NewSubscriber, Page, Send, SendStats, SignupAction, Subscriber,
    SubscriberQuery,
};
use jiff::{SignedDuration, Timestamp};
use serde_json::json;

/// How long a confirmation link works.
pub const CONFIRM_DAYS: i64 = 7;
/// Sign-ups one address (IP) may make per hour.
pub const SIGNUPS_PER_IP_PER_HOUR: u64 = 10;
/// After a confirmation or preferences mail, further sign-ups of the address send nothing
/// for this long (so a form cannot be used to flood someone's inbox).
pub const MAIL_QUIET_MINUTES: i64 = 10;
/// Stories in a digest at most.
pub const DIGEST_STORIES: usize = 10;

/// Where the per-recipient links go in a rendered send.
pub(crate) const UNSUBSCRIBE_MARK: &str = "%%UNSUBSCRIBE_URL%%";
pub(crate) const PREFERENCES_MARK: &str = "%%PREFERENCES_URL%%";

/// How the newsletter is delivered and when the digest is made.
#[derive(Clone)]
pub struct MailSettings {
    /// The sender and its transport.
    pub mailer: arabpress_mail::Mailer,
    /// Connections (SMTP sessions) used at once.
    pub connections: usize,
    /// Messages per second at most, across connections (0: no limit).
    pub per_second: u32,
    /// How long a worker holds the messages it claimed before another may take them.
    pub lease_seconds: i64,
    /// The local hour (0-23) the daily digest is made; `None`: never automatically.
    pub digest_hour: Option<i8>,
    /// Queue the digest as soon as it is made (else it waits for an editor as a draft).
    pub digest_auto: bool,
}

/// What a link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    /// Confirming a sign-up (expires).
    Confirm,
    /// The preferences page.
    Manage,
    /// Unsubscribing.
    Unsubscribe,
}

impl LinkPurpose {
    fn name(self) -> &'static str {
        match self {
            LinkPurpose::Confirm => "confirm",
            LinkPurpose::Manage => "manage",
            LinkPurpose::Unsubscribe => "unsubscribe",
        }
    }

    fn path(self) -> &'static str {
        match self {
            LinkPurpose::Confirm => "confirm",
            LinkPurpose::Manage => "preferences",
            LinkPurpose::Unsubscribe => "unsubscribe",
        }
    }
}

/// A sign-up as the form sends it.
#[derive(Debug, Clone, Default)]
pub struct SignupForm {
    /// The address typed.
    pub email: String,
    /// `ar`, `en` or `both`.
    pub langs: String,
    /// Lists ticked.
    pub lists: Vec<String>,
    /// The field people do not see; robots fill it in.
    pub trap: String,
}

/// Why a sign-up or a preferences change was refused: each has a message in both
/// languages (`newsletter-error-…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignupProblem {
    /// Not an address mail can be sent to.
    Email,
    /// No list, or one that does not exist.
    Lists,
}

impl SignupProblem {
    /// The message's key.
    pub fn key(self) -> &'static str {
        match self {
            SignupProblem::Email => "newsletter-error-email",
            SignupProblem::Lists => "newsletter-error-lists",
        }
    }

    /// The error that reports it.
    pub fn error(self) -> AppError {
        match self {
            SignupProblem::Email => {
                AppError::invalid("email", self.key(), "not an address mail can be sent to")
            }
            SignupProblem::Lists => AppError::invalid("lists", self.key(), "choose a list"),
        }
    }

    /// Recognises the problem in an [`AppError::Invalid`] this module returned.
    pub fn of(e: &AppError) -> Option<SignupProblem> {
        match e {
            AppError::Invalid(v) if v.id == SignupProblem::Email.key() => {
                Some(SignupProblem::Email)
            }
            AppError::Invalid(v) if v.id == SignupProblem::Lists.key() => {
                Some(SignupProblem::Lists)
            }
            _ => None,
        }
    }
}

/// The outcome of a subscriber import.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Rows added.
    pub added: usize,
    /// Rows left out: line number, the line, and why.
    pub rejected: Vec<(usize, String, String)>,
}

/// A send with what the newsroom sees of it.
#[derive(Debug, Clone)]
pub struct SendView {
    /// The send.
    pub send: Send,
    /// How its messages stand.
    pub stats: SendStats,
    /// Its stories, in order.
    pub articles: Vec<ArticleSummary>,
    /// Other stories of the day an editor may add (digests).
    pub candidates: Vec<ArticleSummary>,
}

/// Normalises an address as stored: trimmed and lower-cased, checked as delivery will. A
/// quoted local part (`"a b"@example.com`) or one with characters only quoting allows is
/// refused: the address parses, but mail servers refuse or mangle it, so it could never
/// be delivered.
pub fn normalise_email(text: &str) -> Result<String, AppError> {
    let lower = text.trim().to_lowercase();
    let local = lower.rsplit_once('@').map_or(lower.as_str(), |(l, _)| l);
    if local
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || "\"\\()<>[]:;,".contains(c))
    {
        return Err(SignupProblem::Email.error());
    }
    arabpress_mail::parse_address(&lower).map_err(|_| SignupProblem::Email.error())?;
    Ok(lower)
}

/// What makes a spreadsheet read a cell as a formula.
const FORMULA_STARTS: &[char] = &['=', '+', '-', '@', '\t', '\r'];

/// A CSV cell a spreadsheet shows as text: one that would start a formula (`=1+2@…`) gets
/// a leading single quote.
fn csv_cell(value: &str) -> std::borrow::Cow<'_, str> {
    if value.starts_with(FORMULA_STARTS) {
        std::borrow::Cow::Owned(format!("'{value}"))
    } else {
        std::borrow::Cow::Borrowed(value)
    }
}

fn check_langs(langs: &str) -> Result<&'static str, AppError> {
    match langs {
        "ar" => Ok("ar"),
        "en" => Ok("en"),
        "both" => Ok("both"),
        _ => Err(SignupProblem::Lists.error()),
    }
}

/// The language a subscriber's own mail (confirmation, preferences) is written in.
fn mail_lang(langs: &str) -> Lang {
    if langs == "en" { Lang::En } else { Lang::Ar }
}

/// The bytes of HMAC-SHA256 a link carries: the first 128 bits.
const LINK_MAC_BYTES: usize = 16;

/// A link's MAC: the first 128 bits of HMAC-SHA256, as hex.
fn mac_hex(key: &[u8], message: &str) -> Result<String, AppError> {
    let mac = hmac_sha256(key, message.as_bytes())?;
    Ok(hex(mac.get(..LINK_MAC_BYTES).unwrap_or(&mac)))
}

impl App {
    pub(crate) fn mail(&self) -> Option<&MailSettings> {
        self.inner.mail.as_ref()
    }

    /// Tells the mail worker on this node that messages are waiting.
    pub fn wake_mailer(&self) {
        self.inner.mail_wake.notify_one();
    }

    /// What [`App::wake_mailer`] notifies: the mail job waits on it between rounds.
    pub(crate) fn mail_wakeup(&self) -> std::sync::Arc<tokio::sync::Notify> {
        std::sync::Arc::clone(&self.inner.mail_wake)
    }

    async fn link_key(&self) -> Result<Vec<u8>, AppError> {
        if let Some(k) = self.inner.link_key.get() {
            return Ok(k.clone());
        }
        let key = self
            .store()
            .site_key("newsletter-links", &random_hex(32)?)
            .await?
            .into_bytes();
        let _ = self.inner.link_key.set(key.clone());
        Ok(key)
    }

    /// A signed token for a subscriber's link.
    pub async fn link_token(
        &self,
        purpose: LinkPurpose,
        id: i64,
        email: &str,
    ) -> Result<String, AppError> {
        let key = self.link_key().await?;
        Ok(match purpose {
            LinkPurpose::Confirm => {
                let exp = self.now().as_second() + CONFIRM_DAYS * 86_400;
                let mac = mac_hex(&key, &format!("confirm|{id}|{exp}|{email}"))?;
                format!("{id}.{exp}.{mac}")
            }
            p => {
                let mac = mac_hex(&key, &format!("{}|{id}|{email}", p.name()))?;
                format!("{id}.{mac}")
            }
        })
    }

    /// The absolute address of a subscriber's link, in `lang`.
    pub async fn link_url(
        &self,
        purpose: LinkPurpose,
        lang: Lang,
        id: i64,
        email: &str,
    ) -> Result<String, AppError> {
        let token = self.link_token(purpose, id, email).await?;
        Ok(format!(
            "{}/{lang}/newsletter/{}?t={token}",
            self.theme().site().base_url,
            purpose.path()
        ))
    }

    /// The subscriber a token was made for; `NotFound` for a forged, altered or expired
    /// token, or one whose subscriber is gone.
    pub async fn subscriber_by_token(
        &self,
        purpose: LinkPurpose,
        token: &str,
    ) -> Result<Subscriber, AppError> {
        let parts: Vec<&str> = token.split('.').collect();
        let (id, exp, mac) = match (purpose, parts.as_slice()) {
            (LinkPurpose::Confirm, [id, exp, mac]) => (*id, Some(*exp), *mac),
            (LinkPurpose::Manage | LinkPurpose::Unsubscribe, [id, mac]) => (*id, None, *mac),
            _ => return Err(AppError::NotFound),
        };
        let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
        let s = self
            .store()
            .subscriber(id)
            .await?
            .ok_or(AppError::NotFound)?;
        let key = self.link_key().await?;
        let signed = match exp {
            Some(exp) => {
                let at: i64 = exp.parse().map_err(|_| AppError::NotFound)?;
                if at < self.now().as_second() {
                    return Err(AppError::NotFound);
                }
                format!("confirm|{id}|{at}|{}", s.email)
            }
            None => format!("{}|{id}|{}", purpose.name(), s.email),
        };
        if !hmac_sha256_verify(&key, signed.as_bytes(), mac, LINK_MAC_BYTES)? {
            return Err(AppError::NotFound);
        }
        Ok(s)
    }

    /// A reader's newsletter page (sign-up result, preferences, unsubscribing), not cached.
    pub async fn newsletter_page(
        &self,
        lang: Lang,
        data: &serde_json::Value,
    ) -> Result<String, AppError> {
        let frame = self
            .frame(
                lang,
                self.now(),
                format!("/{lang}/newsletter"),
                Some(format!("/{}/newsletter", lang.other())),
                None,
            )
            .await?;
        Ok(self.theme().newsletter_page(&frame, data)?)
    }

    /// Checks lists against the sections that exist.
    async fn check_lists(&self, lists: &[String]) -> Result<Vec<String>, AppError> {
        let sections = self.sections().await?;
        let mut out: Vec<String> = Vec::new();
        for l in lists {
            let ok = match l.strip_prefix("section:") {
                Some(slug) => sections.iter().any(|s| s.slug == slug),
                None => l == "digest" || l == "breaking",
            };
            if !ok {
                return Err(SignupProblem::Lists.error());
            }
            if !out.contains(l) {
                out.push(l.clone());
            }
        }
        if out.is_empty() {
            return Err(SignupProblem::Lists.error());
        }
        Ok(out)
    }

    /// Signs an address up from the public form and queues its confirmation mail. `ip`
    /// is the client's address, for the rate limit. A filled-in trap field is accepted
    /// and ignored, so robots learn nothing. Returns the address as stored.
    pub async fn subscribe(&self, form: &SignupForm, ip: &str) -> Result<String, AppError> {
        let now = self.now();
        let email = normalise_email(&form.email)?;
        let langs = check_langs(&form.langs)?;
        let lists = self.check_lists(&form.lists).await?;
        let attempts = self
            .store()
            .note_signup_attempt(ip, now, now - SignedDuration::from_hours(1))
            .await?;
        if attempts > SIGNUPS_PER_IP_PER_HOUR {
            return Err(AppError::RateLimited(crate::RateLimit::SignUp));
        }
        if !form.trap.trim().is_empty() {
            tracing::info!(
                ip,
                "newsletter sign-up with the trap field filled in; ignored"
            );
            return Ok(email);
        }
        let (_, action) = self
            .store()
            .signup(
                &email,
                langs,
                &lists,
                now,
                now - SignedDuration::from_mins(MAIL_QUIET_MINUTES),
            )
            .await?;
        if action != SignupAction::Nothing {
            self.wake_mailer();
        }
        Ok(email)
    }

    /// Confirms the subscription a confirmation link was made for.
    pub async fn confirm_subscription(&self, token: &str) -> Result<Subscriber, AppError> {
        let s = self
            .subscriber_by_token(LinkPurpose::Confirm, token)
            .await?;
        if s.status == "confirmed" {
            return Ok(s);
        }
        Ok(self.store().confirm_subscriber(s.id, self.now()).await?)
    }

    /// Changes what a subscriber receives, from their preferences link.
    pub async fn save_newsletter_preferences(
        &self,
        token: &str,
        langs: &str,
        lists: &[String],
    ) -> Result<Subscriber, AppError> {
        let s = self.subscriber_by_token(LinkPurpose::Manage, token).await?;
        let langs = check_langs(langs)?;
        let lists = if lists.is_empty() {
            Vec::new()
        } else {
            self.check_lists(lists).await?
        };
        Ok(self
            .store()
            .set_subscriber_preferences(s.id, langs, &lists, self.now())
            .await?)
    }

    /// Unsubscribes at once, from an unsubscribe link (or a mail client's one-click POST).
    pub async fn unsubscribe_by_token(&self, token: &str) -> Result<Subscriber, AppError> {
        let s = self
            .subscriber_by_token(LinkPurpose::Unsubscribe, token)
            .await?;
        Ok(self.store().unsubscribe(s.id, self.now()).await?)
    }

    fn may_send_newsletters(actor: &User) -> Result<(), AppError> {
        if actor.role.can_send_newsletters() {
            Ok(())
        } else {
            Err(forbidden(actor, "manage the newsletter"))
        }
    }

    /// Subscribers for the newsroom.
    pub async fn subscribers_as(
        &self,
        actor: &User,
        q: &SubscriberQuery,
    ) -> Result<Page<Subscriber>, AppError> {
        Self::may_send_newsletters(actor)?;
        Ok(self.store().subscribers(q).await?)
    }

    /// Subscribers matching `q` as CSV: `email,langs,lists,status,source,created_at,confirmed_at`.
    pub async fn export_subscribers_as(
        &self,
        actor: &User,
        q: &SubscriberQuery,
    ) -> Result<String, AppError> {
        Self::may_send_newsletters(actor)?;
        self.export_subscribers(q).await
    }

    /// Subscribers matching `q` as CSV (see [`App::export_subscribers_as`]), for the
    /// command line.
    pub async fn export_subscribers(&self, q: &SubscriberQuery) -> Result<String, AppError> {
        let mut q = q.clone();
        q.limit = 0;
        q.offset = 0;
        let page = self.store().subscribers(&q).await?;
        let mut w = csv::Writer::from_writer(Vec::new());
        let io = |e: csv::Error| AppError::internal("writing CSV", e);
        w.write_record([
            "email",
            "langs",
            "lists",
            "status",
            "source",
            "created_at",
            "confirmed_at",
        ])
        .map_err(io)?;
        for s in &page.items {
            let confirmed = s.confirmed_at.map(|t| t.to_string()).unwrap_or_default();
            w.write_record([
                csv_cell(&s.email).as_ref(),
                &csv_cell(&s.langs),
                &csv_cell(&s.lists.join(" ")),
                &csv_cell(&s.status),
                &csv_cell(&s.source),
                &s.created_at.to_string(),
                &confirmed,
            ])
            .map_err(io)?;
        }
        let bytes = w
            .into_inner()
            .map_err(|e| AppError::internal("writing CSV", e))?;
        String::from_utf8(bytes).map_err(|e| AppError::internal("CSV", e))
    }

    /// Imports subscribers from CSV (`email[,langs[,lists]]`, lists separated by spaces;
    /// a header row is recognised): rows are checked first, then the good ones are added
    /// as confirmed in one transaction. Addresses already on file are left as they are.
    pub async fn import_subscribers_as(
        &self,
        actor: &User,
        csv_text: &str,
    ) -> Result<ImportReport, AppError> {
        Self::may_send_newsletters(actor)?;
        self.import_subscribers(csv_text).await
    }

    /// Imports subscribers (see [`App::import_subscribers_as`]), for the command line.
    pub async fn import_subscribers(&self, csv_text: &str) -> Result<ImportReport, AppError> {
        let mut report = ImportReport::default();
        let mut good: Vec<(usize, String, NewSubscriber)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(csv_text.as_bytes());
        for (i, rec) in r.records().enumerate() {
            let line = i + 1;
            let rec = match rec {
                Ok(rec) => rec,
                Err(e) => {
                    report
                        .rejected
                        .push((line, String::new(), format!("not CSV: {e}")));
                    continue;
                }
            };
            let text = rec.iter().collect::<Vec<_>>().join(",");
            let email_field = rec.get(0).unwrap_or_default();
            // An address this site exported with a quote that keeps spreadsheets from
            // reading it as a formula.
            let email_field = email_field
                .strip_prefix('\'')
                .filter(|rest| rest.starts_with(FORMULA_STARTS))
                .unwrap_or(email_field);
            if line == 1 && email_field.eq_ignore_ascii_case("email") {
                continue;
            }
            if text.trim().is_empty() {
                continue;
            }
            let Ok(email) = normalise_email(email_field) else {
                report.rejected.push((
                    line,
                    text,
                    format!("{email_field:?} is not an email address"),
                ));
                continue;
            };
            let langs = match rec.get(1).filter(|l| !l.is_empty()).unwrap_or("both") {
                l @ ("ar" | "en" | "both") => l.to_owned(),
                other => {
                    report.rejected.push((
                        line,
                        text,
                        format!("language {other:?} is not ar, en or both"),
                    ));
                    continue;
                }
            };
            let lists: Vec<String> = rec
                .get(2)
                .filter(|l| !l.is_empty())
                .unwrap_or("digest")
                .split([' ', ';', '|'])
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect();
            let lists = match self.check_lists(&lists).await {
                Ok(l) => l,
                Err(_) => {
                    report.rejected.push((
                        line,
                        text,
                        format!(
                            "lists {:?}: use digest, breaking or section:SLUG",
                            lists.join(" ")
                        ),
                    ));
                    continue;
                }
            };
            if !seen.insert(email.clone()) {
                report.rejected.push((
                    line,
                    text,
                    "the same address appears earlier in the file".into(),
                ));
                continue;
            }
            good.push((
                line,
                text,
                NewSubscriber {
                    email,
                    langs,
                    lists,
                },
            ));
        }
        let rows: Vec<NewSubscriber> = good.iter().map(|(_, _, r)| r.clone()).collect();
        let outcome = self.store().import_subscribers(&rows, self.now()).await?;
        for ((line, text, _), why) in good.into_iter().zip(outcome) {
            match why {
                None => report.added += 1,
                Some(why) => report.rejected.push((line, text, why)),
            }
        }
        report.rejected.sort_by_key(|r| r.0);
        Ok(report)
    }

    /// The latest sends with their numbers.
    pub async fn sends_as(&self, actor: &User) -> Result<Vec<(Send, SendStats)>, AppError> {
        Self::may_send_newsletters(actor)?;
        Ok(self.store().sends_with_stats(50).await?)
    }

    /// One send, its stories and, for a digest, the other stories of its day.
    pub async fn send_as(&self, actor: &User, id: i64) -> Result<SendView, AppError> {
        Self::may_send_newsletters(actor)?;
        let send = self.store().send(id).await?.ok_or(AppError::NotFound)?;
        let stats = self.store().send_stats(id).await?;
        let articles = self.summaries(&send.article_ids).await?;
        let candidates = if send.kind == "digest" && send.status == "draft" {
            let lang: Lang = send.lang.parse().map_err(|_| AppError::NotFound)?;
            self.stories_of_day(lang, send.created_at, None)
                .await?
                .into_iter()
                .filter(|a| !send.article_ids.contains(&a.id))
                .collect()
        } else {
            Vec::new()
        };
        Ok(SendView {
            send,
            stats,
            articles,
            candidates,
        })
    }

    /// Edits a draft send.
    pub async fn update_send_as(
        &self,
        actor: &User,
        id: i64,
        subject: &str,
        intro: &str,
        article_ids: &[i64],
    ) -> Result<(), AppError> {
        Self::may_send_newsletters(actor)?;
        let subject = subject.trim();
        if subject.is_empty() || subject.chars().count() > 200 {
            return Err(AppError::invalid(
                "subject",
                "invalid-send-subject",
                "the subject must have 1 to 200 characters",
            ));
        }
        if article_ids.is_empty() {
            return Err(AppError::invalid(
                "articles",
                "invalid-send-empty",
                "a send needs at least one story",
            ));
        }
        self.store()
            .update_send(id, subject, intro.trim(), article_ids)
            .await?;
        Ok(())
    }

    /// Queues a draft send to its list; returns how many messages were queued.
    pub async fn queue_send_as(&self, actor: &User, id: i64) -> Result<u64, AppError> {
        Self::may_send_newsletters(actor)?;
        let n = self.queue_send(id).await?;
        self.store()
            .audit(
                Some(actor.id),
                "newsletter sent",
                "send",
                id,
                &format!("{n} subscribers"),
                self.now(),
            )
            .await?;
        Ok(n)
    }

    async fn queue_send(&self, id: i64) -> Result<u64, AppError> {
        let send = self.store().send(id).await?.ok_or(AppError::NotFound)?;
        let (html, text) = self.render_send(&send).await?;
        let n = self
            .store()
            .queue_send(id, &html, &text, self.now())
            .await?;
        self.wake_mailer();
        Ok(n)
    }

    /// Sends a published article as breaking news to its language's breaking-news list,
    /// at once. Once per article: a second request is a `Conflict`.
    pub async fn breaking_news_as(
        &self,
        actor: &User,
        article_id: i64,
    ) -> Result<(Send, u64), AppError> {
        Self::may_send_newsletters(actor)?;
        let done = self.breaking_news(article_id, Some(actor.id)).await?;
        self.store()
            .audit(
                Some(actor.id),
                "newsletter sent",
                "send",
                done.0.id,
                &format!("breaking news to {} subscribers", done.1),
                self.now(),
            )
            .await?;
        Ok(done)
    }

    /// Sends an article as breaking news (see [`App::breaking_news_as`]); `by` is the
    /// account responsible, none from the command line.
    pub async fn breaking_news(
        &self,
        article_id: i64,
        by: Option<i64>,
    ) -> Result<(Send, u64), AppError> {
        let a = self
            .store()
            .article_by_id(article_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if a.status != ArticleStatus::Published {
            return Err(AppError::invalid(
                "article",
                "invalid-breaking-unpublished",
                "only a published article can be sent as breaking news",
            ));
        }
        let send = self
            .store()
            .create_send(
                &NewSend {
                    dedupe_key: format!("breaking:{article_id}"),
                    kind: "breaking".into(),
                    lang: a.summary.lang.code().into(),
                    list: "breaking".into(),
                    subject: a.summary.headline.clone(),
                    intro: String::new(),
                    article_ids: vec![article_id],
                    created_by: by,
                },
                self.now(),
            )
            .await
            .map_err(|e| match e {
                arabpress_store::StoreError::Conflict(Conflict::SendExists { .. }) => {
                    AppError::Conflict(Conflict::BreakingSent)
                }
                e => e.into(),
            })?;
        let n = self.queue_send(send.id).await?;
        Ok((send, n))
    }

    /// Published stories in `lang` from the day before `at`, newest first, optionally of
    /// one section.
    async fn stories_of_day(
        &self,
        lang: Lang,
        at: Timestamp,
        section_id: Option<i64>,
    ) -> Result<Vec<ArticleSummary>, AppError> {
        let mut q = ListQuery::latest(lang, 40, at);
        q.section_id = section_id;
        let since = at - SignedDuration::from_hours(24);
        Ok(self
            .store()
            .list(&q)
            .await?
            .items
            .into_iter()
            .filter(|a| a.published_at.is_some_and(|p| p > since))
            .collect())
    }

    async fn summaries(&self, ids: &[i64]) -> Result<Vec<ArticleSummary>, AppError> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(a) = self.store().article_by_id(*id).await? {
                out.push(a.summary);
            }
        }
        Ok(out)
    }

    /// The HTML and text of a send, with markers where each subscriber's links go.
    async fn render_send(&self, send: &Send) -> Result<(String, String), AppError> {
        let lang: Lang = send.lang.parse().map_err(|_| {
            AppError::internal(
                format!("send {}", send.id),
                format!("unknown language {:?}", send.lang),
            )
        })?;
        let sections = self.sections().await?;
        let base = self.theme().site().base_url.clone();
        let articles: Vec<serde_json::Value> = self
            .summaries(&send.article_ids)
            .await?
            .iter()
            .map(|a| {
                json!({
                    "headline": a.headline,
                    "standfirst": a.standfirst,
                    "url": format!("{base}{}", arabpress_render::views::article_url(a.lang, &a.slug)),
                    "section": sections.iter().find(|s| s.id == a.section_id).map(|s| s.name(lang)),
                })
            })
            .collect();
        let m = self.theme().messages();
        let label = match send.list.strip_prefix("section:") {
            Some(slug) => {
                let name = sections
                    .iter()
                    .find(|s| s.slug == slug)
                    .map_or(slug, |s| s.name(lang));
                m.text(lang, "mail-section-label", &[("section", name)])
            }
            None if send.kind == "breaking" => m.text(lang, "mail-breaking-label", &[]),
            None => m.text(lang, "mail-digest-label", &[]),
        };
        let date = self
            .theme()
            .dates()
            .long_date(lang, self.theme().dates().local(send.created_at).date());
        Ok(self.theme().mail(
            "newsletter",
            lang,
            &json!({
                "subject": send.subject,
                "intro": send.intro,
                "label": label,
                "date": date,
                "articles": articles,
                "unsubscribe_url": UNSUBSCRIBE_MARK,
                "preferences_url": PREFERENCES_MARK,
            }),
        )?)
    }

    /// Makes the day's digests once the configured hour has passed: per language, one for
    /// the digest list and one per section list with subscribers, from the last day's
    /// stories. Each exists once per day whatever the number of nodes (the store refuses
    /// a second). Queued at once when so configured; otherwise they wait for an editor.
    pub async fn make_digests(&self) -> Result<Vec<Send>, AppError> {
        let Some(settings) = self.mail() else {
            return Ok(Vec::new());
        };
        let Some(hour) = settings.digest_hour else {
            return Ok(Vec::new());
        };
        let now = self.now();
        let local = self.theme().dates().local(now);
        if local.hour() < hour {
            return Ok(Vec::new());
        }
        let day = local.date();
        let mut made = Vec::new();
        let sections = self.sections().await?;
        for lang in [Lang::Ar, Lang::En] {
            let mut lists: Vec<(String, Option<i64>, String)> = vec![(
                "digest".into(),
                None,
                self.theme().messages().text(
                    lang,
                    "mail-digest-subject",
                    &[
                        ("site", self.theme().site().name.get(lang)),
                        ("date", &self.theme().dates().long_date(lang, day)),
                    ],
                ),
            )];
            for s in sections.iter() {
                lists.push((
                    format!("section:{}", s.slug),
                    Some(s.id),
                    self.theme().messages().text(
                        lang,
                        "mail-section-label",
                        &[("section", s.name(lang))],
                    ),
                ));
            }
            for (list, section_id, subject) in lists {
                let key = format!("digest:{lang}:{list}:{day}");
                // Checked every minute all day: once made, nothing else is read.
                if self.store().send_exists(&key).await? {
                    continue;
                }
                let readers = self
                    .store()
                    .subscribers(&SubscriberQuery {
                        status: Some("confirmed".into()),
                        lang: Some(lang.code().into()),
                        list: Some(list.clone()),
                        limit: 1,
                        ..SubscriberQuery::default()
                    })
                    .await?
                    .total;
                if readers == 0 {
                    continue;
                }
                let stories = self.stories_of_day(lang, now, section_id).await?;
                if stories.is_empty() {
                    continue;
                }
                let new = NewSend {
                    dedupe_key: key,
                    kind: "digest".into(),
                    lang: lang.code().into(),
                    list,
                    subject,
                    intro: String::new(),
                    article_ids: stories.iter().take(DIGEST_STORIES).map(|a| a.id).collect(),
                    created_by: None,
                };
                match self.store().create_send(&new, now).await {
                    Ok(send) => {
                        if settings.digest_auto {
                            self.queue_send(send.id).await?;
                        }
                        made.push(send);
                    }
                    Err(arabpress_store::StoreError::Conflict(Conflict::SendExists { .. })) => {}
                    Err(e) => return Err(e.into()),
                }
            }
        }
        Ok(made)
    }

    /// A subscriber's own mail (confirmation or preferences link): subject, HTML, text.
    pub(crate) async fn personal_mail(
        &self,
        kind: &str,
        s: &Subscriber,
    ) -> Result<(String, String, String), AppError> {
        let lang = mail_lang(&s.langs);
        let (purpose, template, subject_key) = match kind {
            "confirm" => (LinkPurpose::Confirm, "confirm", "mail-confirm-subject"),
            _ => (LinkPurpose::Manage, "manage", "mail-manage-subject"),
        };
        let url = self.link_url(purpose, lang, s.id, &s.email).await?;
        let subject = self.theme().messages().text(lang, subject_key, &[]);
        let (html, text) = self.theme().mail(
            template,
            lang,
            &json!({
                "subject": subject,
                "confirm_url": url,
                "preferences_url": url,
                "days": CONFIRM_DAYS,
            }),
        )?;
        Ok((subject, html, text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_normalised_or_refused() {
        assert_eq!(
            normalise_email("  Reader@Example.COM ").ok().as_deref(),
            Some("reader@example.com")
        );
        for bad in [
            "",
            "reader",
            "reader@",
            "@example.com",
            "a b@example.com",
            "reader@localhost",
            "قارئ@example.com",
            "\"a b\"@example.com",
            "\"ab\"@example.com",
            "a(comment)@example.com",
            "a\\b@example.com",
        ] {
            assert!(normalise_email(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(
            normalise_email("\"a b\"@example.com").map_err(|e| e.to_string()),
            Err(SignupProblem::Email.error().to_string())
        );
        assert!(normalise_email("=1+2@mail.example").is_ok());
    }

    #[test]
    fn cells_that_start_a_formula_are_quoted() {
        for (cell, out) in [
            ("=1+2@mail.example", "'=1+2@mail.example"),
            ("+1@x.example", "'+1@x.example"),
            ("-x", "'-x"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("reader@example.com", "reader@example.com"),
        ] {
            assert_eq!(csv_cell(cell), out);
        }
    }
}
