//! Rendering article bodies off the async runtime. Markdown → sanitised HTML is CPU work
//! proportional to the body (nesting is capped in `core`, so it stays linear); it runs on
//! tokio's blocking pool, at most [`RENDER_PERMITS`] bodies at a time for the whole
//! process, within [`RENDER_BUDGET`], so saving or previewing a large body never stalls
//! the threads that answer other requests. Every path that renders a body for storage or
//! display goes through [`render_body`]: saves and imports here in the store, previews,
//! archive restores and indexing through `App::render_body`.

use crate::StoreError;
use arabpress_core::ValidationError;
use arabpress_core::markdown::{self, Rendered};
use std::sync::{Arc, LazyLock};
use std::time::Duration;
use tokio::sync::Semaphore;

/// How many bodies may render at once.
pub const RENDER_PERMITS: usize = 2;
/// How long a render may wait and run before the caller is told the body is too heavy.
pub const RENDER_BUDGET: Duration = Duration::from_secs(10);

static PERMITS: LazyLock<Arc<Semaphore>> =
    LazyLock::new(|| Arc::new(Semaphore::new(RENDER_PERMITS)));

/// Renders a Markdown body on the blocking pool. A render that has not finished within
/// [`RENDER_BUDGET`] (waiting for a permit included) is reported as a validation error on
/// the body; the work itself finishes in the background and keeps its permit until then,
/// so abandoned renders cannot pile up.
pub async fn render_body(body_md: &str) -> Result<Rendered, StoreError> {
    let body = body_md.to_owned();
    let work = async move {
        let permit = Arc::clone(&PERMITS)
            .acquire_owned()
            .await
            .map_err(|e| too_heavy(&e.to_string()))?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            markdown::render(&body)
        })
        .await
        .map_err(|e| too_heavy(&e.to_string()))
    };
    match tokio::time::timeout(RENDER_BUDGET, work).await {
        Ok(r) => r,
        Err(_) => Err(StoreError::Invalid(
            ValidationError::new(
                "body",
                "invalid-body-render-time",
                format!(
                    "the body could not be rendered within {} seconds; shorten or simplify it",
                    RENDER_BUDGET.as_secs()
                ),
            )
            .with("seconds", RENDER_BUDGET.as_secs()),
        )),
    }
}

fn too_heavy(why: &str) -> StoreError {
    StoreError::Invalid(ValidationError::new(
        "body",
        "invalid-body-render",
        format!("the body could not be rendered ({why})"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hostile_bodies_render_off_the_runtime() {
        let r = render_body(&">".repeat(100_000)).await.unwrap();
        assert_eq!(
            r.html.matches("<blockquote>").count(),
            markdown::MAX_NESTING
        );
        let r = render_body("**Hi** there").await.unwrap();
        assert_eq!(r.html, "<p><strong>Hi</strong> there</p>\n");
    }
}
