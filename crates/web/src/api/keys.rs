//! Who may call the API and how often: API keys (`X-Api-Key` or `Authorization: Bearer`)
//! for the content API, personal tokens for the admin API, and a token bucket per key
//! (and per token's user) that answers 429 with `Retry-After` when empty.

use super::{app_error, error};
use crate::WebState;
use arabpress_app::AppError;
use arabpress_core::User;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// Requests a key may make per second, sustained.
const RATE_PER_SECOND: f64 = 20.0;
/// Requests a key may make at once after a quiet spell.
const BURST: f64 = 200.0;

/// Token buckets per API key and per personal token's user, held by each node: with N web
/// nodes a key may make N × 20 requests per second in all (N × 200 at once), which the
/// README's deployment section states. One entry per key or member that has called, so the
/// map is bounded by the `api_keys` and `users` rows.
#[derive(Debug, Default)]
pub struct RateLimiter {
    buckets: Mutex<HashMap<i64, (f64, Instant)>>,
}

impl RateLimiter {
    /// Takes one request from the key's bucket; `Err(seconds)` says when to retry.
    ///
    /// Never lets a request through unchecked: a lock poisoned by a panicking holder is
    /// taken over, since a bucket is written whole (its count and time together) and so is
    /// never left half-updated.
    fn take(&self, key: i64) -> Result<(), u64> {
        let mut b = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        let (tokens, at) = b.entry(key).or_insert((BURST, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * RATE_PER_SECOND).min(BURST);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) / RATE_PER_SECOND).ceil().max(1.0) as u64)
        }
    }
}

/// 401 with the challenge clients expect.
fn unauthorized(message: &str) -> Response {
    let mut res = error(StatusCode::UNAUTHORIZED, "unauthorized", message);
    res.headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    res
}

/// Checks the request's key (`X-Api-Key: …` or `Authorization: Bearer …`) and its rate.
async fn authorize(state: &WebState, headers: &HeaderMap) -> Result<(), Response> {
    let presented = headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .or_else(|| {
            headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
        })
        .map(str::trim);
    let Some(secret) = presented.filter(|s| !s.is_empty()) else {
        return Err(unauthorized("an API key is required (X-Api-Key header)"));
    };
    let key = match state.app.api_key(secret).await {
        Ok(Some(k)) => k,
        Ok(None) => return Err(unauthorized("this API key is unknown or revoked")),
        Err(e) => return Err(app_error(e)),
    };
    match over_rate(state, key.id) {
        Some(r) => Err(r),
        None => Ok(()),
    }
}

/// Takes a request from a bucket (API keys by id, personal tokens by minus the user id);
/// when it is empty, the 429 answer with `Retry-After`.
fn over_rate(state: &WebState, bucket: i64) -> Option<Response> {
    state.limiter.take(bucket).err().map(|wait| {
        let mut res = error(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!("too many requests; retry in {wait} s"),
        );
        if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        res
    })
}

/// Checks the request's personal token and its rate; answers with its user.
async fn token_user(state: &WebState, headers: &HeaderMap) -> Result<User, Response> {
    let secret = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let Some(secret) = secret else {
        return Err(unauthorized(
            "a personal token is required (Authorization: Bearer …)",
        ));
    };
    let user = match state.app.user_for_token(secret).await {
        Ok(Some(u)) => u,
        Ok(None) => {
            return Err(unauthorized(
                "this token is unknown, revoked, or its user is deactivated",
            ));
        }
        Err(AppError::Unauthorized(why)) => return Err(unauthorized(&why.to_string())),
        Err(e) => return Err(app_error(e)),
    };
    match over_rate(state, -user.id) {
        Some(r) => Err(r),
        None => Ok(user),
    }
}

/// A request carrying a valid API key within its rate (the content API); otherwise the
/// request is answered with 401 or 429 before the handler runs.
pub(super) struct KeyHolder;

impl FromRequestParts<WebState> for KeyHolder {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, Response> {
        authorize(state, &parts.headers).await.map(|()| KeyHolder)
    }
}

/// The user of a valid personal token within its rate (the admin API); otherwise the
/// request is answered with 401 or 429 before the handler runs.
pub(super) struct TokenHolder(pub(super) User);

impl FromRequestParts<WebState> for TokenHolder {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, Response> {
        token_user(state, &parts.headers).await.map(TokenHolder)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_empties_after_its_burst_and_a_poisoned_lock_still_limits() {
        let limiter = std::sync::Arc::new(RateLimiter::default());
        for _ in 0..BURST as usize {
            assert_eq!(limiter.take(7), Ok(()));
        }
        assert!(
            limiter.take(7).is_err(),
            "the 201st request at once is refused"
        );
        assert_eq!(limiter.take(8), Ok(()), "another key has its own bucket");
        let holder = std::sync::Arc::clone(&limiter);
        let poisoned = std::thread::spawn(move || {
            let _guard = holder.buckets.lock();
            panic!("a holder of the lock panics");
        })
        .join();
        assert!(poisoned.is_err() && limiter.buckets.is_poisoned());
        // The bucket refills at 20 a second while the thread ran; 50 at once still empty it.
        assert!(
            (0..50).any(|_| limiter.take(7).is_err()),
            "the limiter keeps limiting"
        );
    }
}
