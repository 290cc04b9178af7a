//! A browser for the newsroom's tests: a cookie jar, a client address and host, forms
//! posted with the page's CSRF token, and multipart posts as the editor's and the settings
//! page's forms send them; and the newsroom's test members, one of each role.

use super::{Resp, Site_};
use arabpress_core::Role;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use std::collections::HashMap;
use std::net::SocketAddr;

/// Every test member's password.
pub const PASSWORD: &str = "correct horse battery";

/// The boundary of the multipart bodies the browser sends.
const BOUNDARY: &str = "----arabpress-test-boundary";

/// A browser: a cookie jar, a client address, and the host it asks for.
pub struct Browser<'a> {
    pub site: &'a Site_,
    pub cookies: HashMap<String, String>,
    pub ip: SocketAddr,
    pub host: &'static str,
    /// What it sends as `X-Forwarded-For`, if anything.
    pub forwarded_for: Option<String>,
}

/// A file field of a multipart form.
pub struct Upload<'a> {
    pub field: &'a str,
    pub filename: &'a str,
    pub content_type: &'a str,
    pub bytes: &'a [u8],
}

/// The CSRF token of the first form on a page.
pub fn csrf_of(html: &str) -> String {
    html.split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_default()
        .to_owned()
}

/// A URL-encoded form body.
pub fn form(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// A multipart form body and its content type.
pub fn multipart(fields: &[(&str, &str)], file: Option<Upload<'_>>) -> (String, Vec<u8>) {
    let b = BOUNDARY;
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{b}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    if let Some(f) = file {
        body.extend_from_slice(
            format!(
                "--{b}\r\nContent-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: {}\r\n\r\n",
                f.field, f.filename, f.content_type
            )
            .as_bytes(),
        );
        body.extend_from_slice(f.bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{b}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={b}"), body)
}

impl<'a> Browser<'a> {
    pub fn new(site: &'a Site_) -> Self {
        Browser {
            site,
            cookies: HashMap::new(),
            ip: "192.0.2.1:5000".parse().unwrap(),
            host: "127.0.0.1:8080",
            forwarded_for: None,
        }
    }

    pub async fn send(
        &mut self,
        method: &str,
        path: &str,
        content_type: Option<String>,
        body: Vec<u8>,
    ) -> Resp {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, self.host);
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            req = req.header(header::COOKIE, jar.join("; "));
        }
        if let Some(ct) = content_type {
            req = req.header(header::CONTENT_TYPE, ct);
        }
        if let Some(f) = &self.forwarded_for {
            req = req.header("x-forwarded-for", f);
        }
        let mut req = req.body(Body::from(body)).unwrap();
        req.extensions_mut().insert(ConnectInfo(self.ip));
        let res = arabpress_testkit::send(&self.site.router, req).await;
        for c in res.headers().get_all(header::SET_COOKIE) {
            let c = c.to_str().unwrap_or_default();
            if let Some((k, rest)) = c.split_once('=') {
                let v = rest.split(';').next().unwrap_or_default();
                if c.contains("Max-Age=0") {
                    self.cookies.remove(k);
                } else {
                    self.cookies.insert(k.to_owned(), v.to_owned());
                }
            }
        }
        super::read(res).await
    }

    pub async fn get(&mut self, path: &str) -> Resp {
        self.send("GET", path, None, Vec::new()).await
    }

    pub async fn post(&mut self, path: &str, pairs: &[(&str, &str)]) -> Resp {
        self.send(
            "POST",
            path,
            Some("application/x-www-form-urlencoded".into()),
            form(pairs).into_bytes(),
        )
        .await
    }

    /// Posts a multipart form, with a file when given.
    pub async fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file: Option<Upload<'_>>,
    ) -> Resp {
        let (content_type, body) = multipart(fields, file);
        self.send("POST", path, Some(content_type), body).await
    }

    /// Posts a form with the token of the page at `from`.
    pub async fn submit(&mut self, from: &str, to: &str, pairs: &[(&str, &str)]) -> Resp {
        let token = csrf_of(&self.get(from).await.body);
        let mut all = vec![("csrf", token.as_str())];
        all.extend_from_slice(pairs);
        self.post(to, &all).await
    }

    /// Switches the member's interface to `lang` (`ar` or `en`) from the account page.
    pub async fn work_in(&mut self, lang: &str) {
        let r = self
            .submit(
                "/admin/account",
                "/admin/account/language",
                &[("lang", lang)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }

    pub async fn login(&mut self, email: &str, password: &str) -> Resp {
        self.submit(
            "/admin/login?lang=en",
            "/admin/login",
            &[("email", email), ("password", password), ("lang", "en")],
        )
        .await
    }
}

/// One member of each role, `{role}@x.example` with [`PASSWORD`].
pub async fn with_users(s: &Site_) {
    for (email, role) in [
        ("contributor@x.example", Role::Contributor),
        ("author@x.example", Role::Author),
        ("editor@x.example", Role::Editor),
        ("admin@x.example", Role::Admin),
        ("owner@x.example", Role::Owner),
    ] {
        s.app
            .create_user(
                email,
                email.split('@').next().unwrap_or("x"),
                role,
                PASSWORD,
            )
            .await
            .unwrap();
    }
}

/// A browser signed in as the test member `who` (see [`with_users`]).
pub async fn signed_in<'a>(s: &'a Site_, who: &str) -> Browser<'a> {
    let mut b = Browser::new(s);
    let r = b.login(&format!("{who}@x.example"), PASSWORD).await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{who} signs in: {}",
        r.body
    );
    b
}
