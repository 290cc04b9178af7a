//! The background jobs, for owners and admins: the work waiting in the job queue (how
//! much, which jobs fail and why, a button that makes the failures due again), what each
//! node's jobs last did (waiting, running, failing with the reason, when the next round is
//! due), and a button that asks every node running a job to start a round now.

use super::{Answer, Member, MemberForm, OrRefuse, done, done_notice, member_page, msg, when};
use crate::WebState;
use arabpress_app::jobs::{JOB_KEYS, known_job};
use arabpress_app::{FailedJob, JobStatus, QueueCount};
use arabpress_core::Lang;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde_json::{Value, json};
use std::collections::HashMap;

pub(super) fn routes() -> Router<WebState> {
    Router::new()
        .route("/admin/jobs", get(jobs))
        .route("/admin/jobs/{key}/run", post(run_now))
        .route("/admin/jobs/{key}/retry", post(retry_failed))
}

/// A node none of whose jobs has reported for this long is shown as gone (every node's
/// change-feed follower reports at least once a minute).
const GONE_AFTER: jiff::SignedDuration = jiff::SignedDuration::from_mins(5);

fn row(state: &WebState, lang: Lang, j: &JobStatus, gone: bool) -> Value {
    let r = &j.report;
    let state_key = if gone {
        "admin-jobs-gone"
    } else if r.running {
        "admin-jobs-running"
    } else if r.failures > 0 {
        "admin-jobs-failing"
    } else {
        "admin-jobs-waiting"
    };
    let at = |t: Option<jiff::Timestamp>| t.map(|t| when(state, lang, t));
    let (ok, failed, next) = (at(r.last_ok_at), at(r.last_failed_at), at(r.next_at));
    let known = known_job(&j.job);
    let name = job_name(state, lang, &j.job);
    json!({
        "node": j.node,
        "key": j.job,
        "name": name,
        "state": state.app.theme().messages().count(lang, state_key, "n", i64::from(r.failures)),
        "failing": r.failures > 0,
        "error": (r.failures > 0).then_some(r.last_error.as_deref()).flatten(),
        "ok": ok.as_ref().map(|t| &t.0), "ok_iso": ok.as_ref().map(|t| &t.1),
        "failed": failed.as_ref().map(|t| &t.0), "failed_iso": failed.as_ref().map(|t| &t.1),
        "next": next.as_ref().map(|t| &t.0), "next_iso": next.as_ref().map(|t| &t.1),
        // The follower never waits between rounds: asking it for one does nothing.
        "runnable": known.is_some_and(|k| k != "follow-changes"),
    })
}

/// How many failing jobs the page lists.
const FAILED_LISTED: i64 = 20;

/// A job's name on the page: its message, or its key for a job this version does not know.
fn job_name(state: &WebState, lang: Lang, key: &str) -> String {
    match known_job(key) {
        Some(key) => msg(state, lang, &format!("job-{key}"), &[]),
        None => key.to_owned(),
    }
}

/// The queue's work of one kind.
fn queued(state: &WebState, lang: Lang, c: &QueueCount) -> Value {
    json!({
        "key": c.kind,
        "name": job_name(state, lang, &c.kind),
        "queued": c.queued, "due": c.due, "running": c.running, "failing": c.failing,
        "retryable": c.failing > 0 && known_job(&c.kind).is_some(),
        // Queued work that this server's worker does not do, and why.
        "off": match (c.kind.as_str(), state.app.audio_status()) {
            (arabpress_app::SPEAK, arabpress_app::AudioStatus::Off(why)) => Some(why),
            _ => None,
        },
    })
}

/// A failing job: what it works on (an article, a webhook delivery), its failures and when
/// it is tried again.
fn failed(state: &WebState, lang: Lang, f: &FailedJob) -> Value {
    let (next, next_iso) = when(state, lang, f.run_at);
    let messages = state.app.theme().messages();
    let numbered = |key| messages.count(lang, key, "id", f.subject);
    let (link, what) = match f.kind.as_str() {
        arabpress_app::SPEAK => (
            Some(format!("/admin/articles/{}", f.subject)),
            numbered("admin-queue-article"),
        ),
        arabpress_app::WEBHOOKS => (
            Some("/admin/webhooks".to_owned()),
            numbered("admin-queue-delivery"),
        ),
        _ => (None, f.subject.to_string()),
    };
    json!({
        "name": job_name(state, lang, &f.kind),
        "link": link,
        "what": what,
        "attempts": messages.count(lang, "admin-jobs-failing", "n", f.attempts),
        "error": f.error,
        "next": next,
        "next_iso": next_iso,
    })
}

async fn jobs(
    State(state): State<WebState>,
    Member(s): Member,
    Query(q): Query<HashMap<String, String>>,
) -> Answer {
    let lang = s.user.ui_lang;
    let statuses = state
        .app
        .job_statuses_as(&s.user)
        .await
        .or_refuse(&state, &s)?;
    let (counts, failures) = state
        .app
        .job_queue_as(&s.user, FAILED_LISTED)
        .await
        .or_refuse(&state, &s)?;
    let now = state.app.now();
    // By node, then in the order of JOB_KEYS (unknown jobs last).
    let mut statuses = statuses;
    statuses.sort_by_key(|j| {
        let order = JOB_KEYS
            .iter()
            .position(|k| *k == j.job)
            .unwrap_or(JOB_KEYS.len());
        (j.node.clone(), order)
    });
    // Each node with its jobs and when it last reported any of them.
    let mut nodes: Vec<(&str, jiff::Timestamp, Vec<&JobStatus>)> = Vec::new();
    for j in &statuses {
        match nodes.last_mut() {
            Some((name, seen, jobs)) if *name == j.node => {
                *seen = (*seen).max(j.seen_at);
                jobs.push(j);
            }
            _ => nodes.push((&j.node, j.seen_at, vec![j])),
        }
    }
    let nodes: Vec<Value> = nodes
        .into_iter()
        .map(|(name, seen, jobs)| {
            let gone = now.duration_since(seen) > GONE_AFTER;
            let (seen, seen_iso) = when(&state, lang, seen);
            json!({
                "name": name,
                "here": name == state.app.node_name(),
                "seen": seen,
                "seen_iso": seen_iso,
                "jobs": jobs.iter().map(|j| row(&state, lang, j, gone)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let title = msg(&state, lang, "admin-jobs", &[]);
    Ok(member_page(
        &state,
        &s,
        StatusCode::OK,
        "jobs",
        &title,
        json!({
            "nodes": nodes,
            "queue": counts.iter().map(|c| queued(&state, lang, c)).collect::<Vec<_>>(),
            "failures": failures.iter().map(|f| failed(&state, lang, f)).collect::<Vec<_>>(),
            "notice": done_notice(&state, lang, q.get("done")),
        }),
    ))
}

async fn run_now(
    State(state): State<WebState>,
    Path(key): Path<String>,
    MemberForm(s, _): MemberForm,
) -> Answer {
    let outcome = state.app.run_job_now_as(&s.user, &key).await;
    done(&state, &s, outcome, "/admin/jobs?done=job-asked")
}

async fn retry_failed(
    State(state): State<WebState>,
    Path(key): Path<String>,
    MemberForm(s, _): MemberForm,
) -> Answer {
    let outcome = state.app.retry_failed_jobs_as(&s.user, &key).await;
    done(&state, &s, outcome, "/admin/jobs?done=jobs-retried")
}
