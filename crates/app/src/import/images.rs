//! Fetching an import's featured images: the addresses an export pointed at on the old
//! site are fetched (through [`crate::remote`], a few at a time), stored as uploads and
//! the articles pointed at the copies; what cannot be fetched is reported and keeps its
//! remote address, for a later run.

use crate::remote::get_body;
use crate::{App, AppError};

/// What fetching an import's featured images did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageFetchReport {
    /// Remote images fetched and stored with the media (each address once).
    pub fetched: u64,
    /// Articles now showing a stored copy.
    pub articles: u64,
    /// Images that could not be fetched, with the reason: their articles keep the remote
    /// address (a later run tries them again).
    pub unreachable: Vec<(String, String)>,
}

impl App {
    /// Fetches the featured images of the articles imported from `source` that still point
    /// at the old site, stores each that answers as an upload (resized copies and all) and
    /// points its articles at the copy; an image that cannot be fetched is reported and its
    /// articles keep the remote address. `progress(done, total)` follows along.
    pub async fn fetch_imported_images(
        &self,
        source: &str,
        mut progress: impl FnMut(u64, u64),
    ) -> Result<ImageFetchReport, AppError> {
        use futures_util::StreamExt;
        let images = self.store().imported_remote_images(source).await?;
        let total = images.len() as u64;
        let client = self.outbound(crate::outbound::Purpose::Image)?;
        let fetches = futures_util::stream::iter(images.into_iter().map(|(url, ids)| {
            let client = client.clone();
            async move {
                let got = get_body(&client, &url, crate::MAX_UPLOAD_BYTES)
                    .await
                    .map_err(|e| e.to_string());
                (url, ids, got)
            }
        }))
        .buffer_unordered(4);
        futures_util::pin_mut!(fetches);
        let mut report = ImageFetchReport::default();
        let mut done = 0;
        while let Some((url, ids, got)) = fetches.next().await {
            done += 1;
            progress(done, total);
            let stored = match got {
                Ok(bytes) => self
                    .store_image(bytes, None)
                    .await
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e),
            };
            match stored {
                Ok(img) => {
                    let changed = self
                        .store()
                        .replace_image_url(&ids, &url, &img.url, self.now())
                        .await?;
                    report.fetched += 1;
                    report.articles += changed.len() as u64;
                }
                Err(why) => report.unreachable.push((url, why)),
            }
        }
        report.unreachable.sort();
        Ok(report)
    }
}
