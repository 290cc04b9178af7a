//! Where uploaded media live, through `object_store`: a folder on this machine (the
//! default) or an S3-compatible bucket that several nodes share. Object names follow the
//! folder layout (`{sha[0..2]}/{sha}/{file}`), so a media folder copied into a bucket as it
//! is (`aws s3 sync media/ s3://bucket/`) is a working bucket.

use crate::{App, AppError};
use futures_util::TryStreamExt;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use std::path::PathBuf;
use std::sync::Arc;

/// Where media are stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaStorage {
    /// A folder on this machine.
    Folder(PathBuf),
    /// An S3-compatible bucket (Amazon S3, MinIO, Ceph, Garage, R2…).
    S3(S3Settings),
}

/// An S3-compatible bucket. Credentials left out are read from the usual `AWS_*`
/// variables (or the instance's role on AWS).
#[derive(Clone, PartialEq, Eq)]
pub struct S3Settings {
    /// Bucket name.
    pub bucket: String,
    /// Region, e.g. `eu-central-1` (any value for most S3-compatible servers).
    pub region: String,
    /// The server's address for anything but AWS, e.g. `https://s3.example.net`.
    pub endpoint: Option<String>,
    /// Access key id.
    pub access_key_id: Option<String>,
    /// Secret access key.
    pub secret_access_key: Option<String>,
    /// Allows an `http://` endpoint (a server on the same private network).
    pub allow_http: bool,
}

impl std::fmt::Debug for S3Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Settings")
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("access_key_id", &self.access_key_id)
            .field(
                "secret_access_key",
                &self.secret_access_key.as_ref().map(|_| "…"),
            )
            .field("allow_http", &self.allow_http)
            .finish()
    }
}

impl std::fmt::Display for MediaStorage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MediaStorage::Folder(dir) => write!(f, "folder {}", dir.display()),
            MediaStorage::S3(s) => match &s.endpoint {
                Some(e) => write!(f, "bucket {} at {e}", s.bucket),
                None => write!(f, "bucket {} in {}", s.bucket, s.region),
            },
        }
    }
}

pub(crate) type Objects = Arc<dyn ObjectStore>;

fn storage_error(e: object_store::Error) -> AppError {
    AppError::internal("media storage", e)
}

/// A store answer with "no such object" as `None`.
fn found<T>(answer: Result<T, object_store::Error>) -> Result<Option<T>, AppError> {
    match answer {
        Ok(v) => Ok(Some(v)),
        Err(object_store::Error::NotFound { .. }) => Ok(None),
        Err(e) => Err(storage_error(e)),
    }
}

/// Opens a store. A folder is created when missing; a bucket is not contacted until used.
pub(crate) fn open(storage: &MediaStorage) -> Result<Objects, AppError> {
    match storage {
        MediaStorage::Folder(dir) => {
            std::fs::create_dir_all(dir)
                .map_err(|e| AppError::internal(format!("media folder {}", dir.display()), e))?;
            let fs = object_store::local::LocalFileSystem::new_with_prefix(dir)
                .map_err(storage_error)?
                .with_automatic_cleanup(true);
            Ok(Arc::new(fs))
        }
        MediaStorage::S3(s) => {
            let mut b = object_store::aws::AmazonS3Builder::new()
                .with_bucket_name(&s.bucket)
                .with_region(&s.region)
                .with_allow_http(s.allow_http);
            if let Some(e) = &s.endpoint {
                b = b.with_endpoint(e);
            }
            if let Some(k) = &s.access_key_id {
                b = b.with_access_key_id(k);
            }
            if let Some(k) = &s.secret_access_key {
                b = b.with_secret_access_key(k);
            }
            if s.access_key_id.is_none() {
                for (var, key) in [
                    (
                        "AWS_ACCESS_KEY_ID",
                        object_store::aws::AmazonS3ConfigKey::AccessKeyId,
                    ),
                    (
                        "AWS_SECRET_ACCESS_KEY",
                        object_store::aws::AmazonS3ConfigKey::SecretAccessKey,
                    ),
                    (
                        "AWS_SESSION_TOKEN",
                        object_store::aws::AmazonS3ConfigKey::Token,
                    ),
                ] {
                    if let Ok(v) = std::env::var(var) {
                        b = b.with_config(key, v);
                    }
                }
            }
            Ok(Arc::new(b.build().map_err(storage_error)?))
        }
    }
}

/// The object name of a media file.
pub(crate) fn object_path(sha: &str, name: &str) -> ObjectPath {
    ObjectPath::from(format!("{}/{sha}/{name}", &sha[..2.min(sha.len())]))
}

impl App {
    /// Where media are stored.
    pub fn media_storage(&self) -> MediaStorage {
        self.inner.storage.clone()
    }

    pub(crate) fn objects(&self) -> Result<&Objects, AppError> {
        if let Some(o) = self.inner.objects.get() {
            return Ok(o);
        }
        let o = open(&self.inner.storage)?;
        Ok(self.inner.objects.get_or_init(|| o))
    }

    /// Writes `files` under `sha`, the last one last (it marks the set complete). When one
    /// fails, the ones already written are removed and the error returned.
    pub(crate) async fn put_media(
        &self,
        sha: &str,
        files: Vec<(String, Vec<u8>)>,
    ) -> Result<(), AppError> {
        let objects = self.objects()?;
        let mut written = Vec::with_capacity(files.len());
        for (name, body) in files {
            let path = object_path(sha, &name);
            if let Err(e) = objects.put(&path, PutPayload::from(body)).await {
                for p in &written {
                    let _ = objects.delete(p).await;
                }
                return Err(storage_error(e));
            }
            written.push(path);
        }
        Ok(())
    }

    /// Whether an object exists.
    pub(crate) async fn media_exists(&self, sha: &str, name: &str) -> Result<bool, AppError> {
        Ok(self.media_size(sha, name).await?.is_some())
    }

    /// An object's size in bytes, `None` when there is no such object.
    pub(crate) async fn media_size(&self, sha: &str, name: &str) -> Result<Option<u64>, AppError> {
        let head = self.objects()?.head(&object_path(sha, name)).await;
        Ok(found(head)?.map(|meta| meta.size))
    }

    /// Bytes `from..=to` of an object, read alone (a ranged GET from a bucket, a seek in a
    /// folder); `None` when there is no such object.
    pub(crate) async fn media_range(
        &self,
        sha: &str,
        name: &str,
        from: u64,
        to: u64,
    ) -> Result<Option<bytes::Bytes>, AppError> {
        let range = from..to.saturating_add(1);
        found(
            self.objects()?
                .get_range(&object_path(sha, name), range)
                .await,
        )
    }

    /// An object's bytes, `None` when there is no such object.
    pub(crate) async fn media_bytes(
        &self,
        sha: &str,
        name: &str,
    ) -> Result<Option<bytes::Bytes>, AppError> {
        let Some(got) = found(self.objects()?.get(&object_path(sha, name)).await)? else {
            return Ok(None);
        };
        got.bytes().await.map(Some).map_err(storage_error)
    }

    /// Every media object's name and size.
    pub(crate) async fn media_objects(&self) -> Result<Vec<(String, u64)>, AppError> {
        let list: Vec<_> = self
            .objects()?
            .list(None)
            .try_collect()
            .await
            .map_err(storage_error)?;
        Ok(list
            .into_iter()
            .map(|m| (m.location.to_string(), m.size))
            .collect())
    }

    /// Writes one media object by its full name (a restore's files).
    pub(crate) async fn put_object(&self, name: &str, body: Vec<u8>) -> Result<(), AppError> {
        self.objects()?
            .put(&ObjectPath::from(name), PutPayload::from(body))
            .await
            .map_err(storage_error)?;
        Ok(())
    }

    /// Removes one media object by its full name.
    pub(crate) async fn delete_object(&self, name: &str) -> Result<(), AppError> {
        match self.objects()?.delete(&ObjectPath::from(name)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(storage_error(e)),
        }
    }

    /// One media object by its full name (as [`App::media_objects`] gives it).
    pub(crate) async fn media_object(&self, name: &str) -> Result<bytes::Bytes, AppError> {
        let got = self
            .objects()?
            .get(&ObjectPath::from(name))
            .await
            .map_err(storage_error)?;
        got.bytes().await.map_err(storage_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_folder_layout() {
        let sha = "ab".repeat(32);
        assert_eq!(
            object_path(&sha, "w960.jpg").to_string(),
            format!("ab/{sha}/w960.jpg")
        );
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let s = S3Settings {
            bucket: "media".into(),
            region: "us-east-1".into(),
            endpoint: Some("http://127.0.0.1:9000".into()),
            access_key_id: Some("AKIA".into()),
            secret_access_key: Some("hunter2".into()),
            allow_http: true,
        };
        assert!(!format!("{s:?}").contains("hunter2"));
        assert_eq!(
            MediaStorage::S3(s).to_string(),
            "bucket media at http://127.0.0.1:9000"
        );
    }
}
