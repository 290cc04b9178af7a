//! `arabpress user`, `token` and `apikey`: the newsroom's accounts, their personal tokens
//! for the admin API and the keys of the read-only content API. Listings print one
//! tab-separated line per row on standard output (logs go to standard error), so they can
//! be piped.

use crate::config::Settings;
use crate::wiring::{IndexUse, with_app};
use anyhow::{Context, Result};
use arabpress_app::App;
use clap::Subcommand;

#[derive(Subcommand)]
pub enum ApikeyAction {
    /// Create a key and print it (it is shown only once).
    Create {
        /// Who or what the key is for.
        name: String,
    },
    /// List keys (names and dates, never the keys).
    List,
    /// Revoke a key at once.
    Revoke {
        /// The key's id, as `list` shows it.
        id: i64,
    },
}

#[derive(Subcommand)]
pub enum UserAction {
    /// Create an account. The password is read from standard input with
    /// `--password-stdin`; otherwise a strong one is generated and printed once.
    Add {
        /// Login address.
        #[arg(long)]
        email: String,
        /// Name shown in the newsroom.
        #[arg(long)]
        name: String,
        /// contributor, author, editor, admin or owner.
        #[arg(long, default_value = "contributor")]
        role: String,
        /// Read the password from standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List accounts.
    List,
    /// Set a new password for an account (read from standard input with
    /// `--password-stdin`, otherwise generated and printed once); its sessions end.
    Password {
        /// The account's login address.
        email: String,
        /// Read the password from standard input.
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
pub enum TokenAction {
    /// Create a personal token for an account and print it (shown only once).
    Create {
        /// The account's login address.
        #[arg(long)]
        email: String,
        /// What the token is for.
        #[arg(long, default_value = "cli")]
        name: String,
        /// How many days the token works (1 to 3650); then it is refused.
        #[arg(long, default_value_t = arabpress_app::TOKEN_DAYS)]
        expires_in_days: i64,
    },
    /// List personal tokens (every account's, or one account's): id, address, name,
    /// created, expires, state. Secrets are never stored, so none is shown.
    List {
        /// Only this account's tokens.
        #[arg(long)]
        email: Option<String>,
    },
    /// Revoke a token by the id `token list` shows; it is refused from then on.
    Revoke {
        /// The token's id.
        id: i64,
    },
}

/// A new password for an account: read from standard input (one line), or generated, in
/// which case it must be shown once, as nobody else knows it.
struct NewPassword {
    value: String,
    generated: bool,
}

impl NewPassword {
    /// Reads the first line of standard input with `from_stdin`, otherwise generates one.
    fn get(from_stdin: bool) -> Result<NewPassword> {
        if !from_stdin {
            return Ok(NewPassword {
                value: arabpress_app::generated_password()?,
                generated: true,
            });
        }
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        Ok(NewPassword {
            value: line.trim_end_matches(['\r', '\n']).to_owned(),
            generated: false,
        })
    }

    /// Prints a generated password; one the operator typed is never echoed.
    fn show_if_generated(&self) {
        if self.generated {
            println!("password (shown once): {}", self.value);
        }
    }
}

/// `arabpress user …`.
pub async fn user(s: &Settings, action: UserAction) -> Result<()> {
    with_app(s, IndexUse::None, async |app: &App| {
        match action {
            UserAction::Add {
                email,
                name,
                role,
                password_stdin,
            } => {
                let role: arabpress_core::Role = role.parse()?;
                let password = NewPassword::get(password_stdin)?;
                let user = app
                    .create_user(&email, &name, role, &password.value)
                    .await?;
                println!("created {} <{}> as {}", user.name, user.email, user.role);
                password.show_if_generated();
            }
            UserAction::Password {
                email,
                password_stdin,
            } => {
                let password = NewPassword::get(password_stdin)?;
                let user = app.reset_password(&email, &password.value).await?;
                println!("new password set for {} <{}>", user.name, user.email);
                password.show_if_generated();
            }
            UserAction::List => {
                for u in app.all_users().await? {
                    let state = if u.active { "active" } else { "deactivated" };
                    println!("{}\t{}\t{}\t{}\t{state}", u.id, u.email, u.name, u.role);
                }
            }
        }
        Ok(())
    })
    .await
}

/// `arabpress token …`.
pub async fn token(s: &Settings, action: TokenAction) -> Result<()> {
    with_app(s, IndexUse::None, async |app: &App| {
        match action {
            TokenAction::Create {
                email,
                name,
                expires_in_days,
            } => {
                let user = app
                    .user_by_email(&email)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("there is no account for {email}"))?;
                let secret = app
                    .create_token_for_days(user.id, &name, expires_in_days)
                    .await?;
                println!("token for {} ({}): {secret}", user.email, user.role);
                println!(
                    "it works for {expires_in_days} days; send it as Authorization: Bearer …; it is not shown again"
                );
            }
            TokenAction::List { email } => {
                let now = app.now();
                for t in app.tokens(email.as_deref()).await? {
                    let state = match (t.revoked_at, t.expires_at) {
                        (Some(at), _) => format!("revoked {at}"),
                        (None, Some(at)) if at <= now => format!("expired {at}"),
                        _ => "live".to_owned(),
                    };
                    let expires = t.expires_at.map(|e| e.to_string()).unwrap_or_default();
                    println!(
                        "{}\t{}\t{}\t{}\t{expires}\t{state}",
                        t.id, t.email, t.name, t.created_at
                    );
                }
            }
            TokenAction::Revoke { id } => {
                app.revoke_token(id, None).await.map_err(|e| match e {
                    arabpress_app::AppError::NotFound => {
                        anyhow::anyhow!("there is no token {id} (see `arabpress token list`)")
                    }
                    other => other.into(),
                })?;
                println!("token {id} revoked");
            }
        }
        Ok(())
    })
    .await
}

/// `arabpress apikey …`.
pub async fn apikey(s: &Settings, action: ApikeyAction) -> Result<()> {
    with_app(s, IndexUse::None, async |app: &App| {
        match action {
            ApikeyAction::Create { name } => {
                let (key, secret) = app.create_api_key(&name).await?;
                println!("API key {} ({}): {secret}", key.id, key.name);
                println!("send it as the X-Api-Key header; it is not shown again");
            }
            ApikeyAction::List => {
                for k in app.api_keys().await? {
                    let state = k
                        .revoked_at
                        .map_or_else(|| "live".to_owned(), |t| format!("revoked {t}"));
                    println!("{}\t{}\tcreated {}\t{state}", k.id, k.name, k.created_at);
                }
            }
            ApikeyAction::Revoke { id } => {
                app.revoke_api_key(id).await?;
                println!("API key {id} revoked");
            }
        }
        Ok(())
    })
    .await
}
