//! The commands that print data (`user list`, `token list`, `apikey list`, `newsletter
//! export`, `export --out -`, `audio vowels`) put only that data on standard output, with
//! every log line on standard error, so their output can be piped into another program.
//! Each runs the real binary with debug logging on (the database driver then logs every
//! statement), on SQLite and, when `ARABPRESS_TEST_POSTGRES` names a server, on PostgreSQL.

// clippy.toml allows these in #[test] functions; this covers the helpers too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// One site for the binary to work on: a data folder, and a PostgreSQL database or none.
struct Site {
    dir: tempfile::TempDir,
    database_url: Option<String>,
}

impl Site {
    fn sqlite() -> Site {
        Site {
            dir: tempfile::tempdir().unwrap(),
            database_url: None,
        }
    }

    /// A new database on the server `ARABPRESS_TEST_POSTGRES` names; `None`, after a
    /// "skipped" line, when it names none outside CI.
    fn postgres() -> Option<Site> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let url = runtime
            .block_on(arabpress_testkit::postgres_database())
            .unwrap()?;
        Some(Site {
            dir: tempfile::tempdir().unwrap(),
            database_url: Some(url),
        })
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// Runs `arabpress ARGS --data DATA` with `input` on standard input; returns standard
    /// output and standard error, failing the test if the command fails.
    fn run(&self, args: &[&str], input: &str) -> (String, String) {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_arabpress"));
        cmd.args(args)
            .arg("--data")
            .arg(self.data())
            .current_dir(self.dir.path())
            .env("RUST_LOG", "debug")
            .env_remove("ARABPRESS_CONFIG")
            .env_remove("ARABPRESS_DATA_DIR")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        match &self.database_url {
            Some(url) => cmd.env("ARABPRESS_DATABASE_URL", url),
            None => cmd.env_remove("ARABPRESS_DATABASE_URL"),
        };
        let mut child = cmd.spawn().unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "arabpress {args:?}: {stderr}");
        (stdout, stderr)
    }
}

/// Every line of `stdout` has `fields` tab-separated fields, and there are `lines` of them.
fn assert_rows(what: &str, stdout: &str, lines: usize, fields: usize) {
    let rows: Vec<&str> = stdout.lines().collect();
    assert_eq!(rows.len(), lines, "{what}: {stdout:?}");
    for row in rows {
        assert_eq!(row.split('\t').count(), fields, "{what}: {row:?}");
    }
}

fn data_commands_print_only_data(site: &Site) {
    // Logs are on, and they are on standard error.
    let (_, log) = site.run(
        &[
            "user",
            "add",
            "--email",
            "desk@example.org",
            "--name",
            "Desk",
            "--password-stdin",
        ],
        "a long enough password\n",
    );
    assert!(
        log.contains("DEBUG"),
        "no log line on standard error: {log:?}"
    );

    let (users, _) = site.run(&["user", "list"], "");
    assert_rows("user list", &users, 1, 5);
    assert!(users.contains("\tdesk@example.org\t"), "{users:?}");

    site.run(&["token", "create", "--email", "desk@example.org"], "");
    let (tokens, _) = site.run(&["token", "list"], "");
    assert_rows("token list", &tokens, 1, 6);

    site.run(&["apikey", "create", "feed reader"], "");
    let (keys, _) = site.run(&["apikey", "list"], "");
    assert_rows("apikey list", &keys, 1, 4);

    let csv = site.dir.path().join("readers.csv");
    std::fs::write(&csv, "reader@example.org,both,digest\n").unwrap();
    site.run(&["newsletter", "import", path(&csv)], "");
    let (exported, _) = site.run(&["newsletter", "export"], "");
    let lines: Vec<&str> = exported.lines().collect();
    assert_eq!(lines.len(), 2, "{exported:?}");
    assert!(lines[0].starts_with("email,langs,lists,"), "{exported:?}");
    assert!(lines[1].starts_with("reader@example.org,"), "{exported:?}");

    let (archive, report) = site.run(&["export", "--out", "-"], "");
    assert!(archive.lines().count() > 2, "{archive:?}");
    for line in archive.lines() {
        serde_json::from_str::<serde_json::Value>(line)
            .unwrap_or_else(|e| panic!("not an archive line ({e}): {line:?}"));
    }
    assert!(archive.contains("desk@example.org"), "{archive:?}");
    assert!(
        report.contains("archive written to standard output"),
        "{report:?}"
    );
    assert!(
        !site.data().join("-").exists(),
        "`--out -` wrote a file named -"
    );
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn data_commands_print_only_data_on_sqlite() {
    data_commands_print_only_data(&Site::sqlite());
}

#[test]
fn data_commands_print_only_data_on_postgres() {
    if let Some(site) = Site::postgres() {
        data_commands_print_only_data(&site);
    }
}

#[test]
fn audio_vowels_prints_a_line_for_a_line() {
    let site = Site::sqlite();
    let (out, _) = site.run(
        &["audio", "vowels"],
        "ذهب الولد إلى المدرسة\nقرأ الطالب الكتاب\n",
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out:?}");
    for line in lines {
        assert!(line.contains('ل'), "not the text: {line:?}");
        assert!(
            !line.contains("DEBUG") && !line.contains("INFO"),
            "{line:?}"
        );
    }
}
