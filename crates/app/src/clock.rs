//! Time as the application sees it. Production uses the system clock; tests set the time,
//! so "scheduled", "published yesterday" and "today's date" are testable.

use jiff::Timestamp;
use std::sync::Mutex;

/// A source of the current time.
pub trait Clock: Send + Sync {
    /// Now.
    fn now(&self) -> Timestamp;
}

/// The system clock.
#[derive(Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that says what it is told.
#[derive(Debug)]
pub struct FixedClock(Mutex<Timestamp>);

impl FixedClock {
    /// A clock stopped at `at`.
    pub fn new(at: Timestamp) -> Self {
        FixedClock(Mutex::new(at))
    }

    /// Moves the clock.
    pub fn set(&self, at: Timestamp) {
        if let Ok(mut t) = self.0.lock() {
            *t = at;
        }
    }
}

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        self.0
            .lock()
            .map(|t| *t)
            .unwrap_or_else(|p| *p.into_inner())
    }
}
