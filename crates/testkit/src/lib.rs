//! What the workspace's tests share, so each test crate states its cases and not its
//! set-up: fresh throw-away stores on SQLite and PostgreSQL (`stores`, with the
//! `both_backends!` macro), the project's fixture files (`fixtures`), probes for the optional
//! tools some tests need (`probes`), and, behind features, a loopback server with readers
//! for responses (`http`), an `App` over a test store (`app`) and generated images (`png`).
//!
//! A dev-dependency only: nothing here is compiled into the `arabpress` binary. Helpers
//! panic with a message naming what failed, since they run inside tests.

// Test support: a panic is how a failed set-up or check reports itself.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[cfg(feature = "app")]
pub mod app;
pub mod fixtures;
#[cfg(feature = "http")]
pub mod http;
pub mod probes;
pub mod stores;

#[cfg(feature = "app")]
pub use app::{
    REFUSED, allow_private_network, app_builder, app_in_memory, redirect_server, redirector,
    speech_engine_installed, theme, theme_at,
};
#[cfg(feature = "png")]
pub use fixtures::png;
pub use fixtures::{fixture, fixture_path, fixture_text};
#[cfg(feature = "http")]
pub use http::{
    Resp, counting_server, get, get_bytes, get_with, internal_urls, post_form, read, read_parts,
    send, serve_on_loopback,
};
pub use probes::{skipped, speech_engine, tashkeel_model};
pub use stores::{SetupError, TestStore, postgres_database};

/// The time the tests run at: Saturday 7 February 2026, 10:00 UTC (19 Sha'ban 1447 in the
/// Umm al-Qura calendar).
pub fn now() -> jiff::Timestamp {
    "2026-02-07T10:00:00Z".parse().unwrap()
}
