//! Lists the theme's files from their folders, so a new template or asset is embedded
//! without editing a list: every `.html`/`.txt` under `templates/` (named by its path
//! there, `admin/edit.html`) and every file under `assets/` (served under `/static/`, its
//! content type from its extension; an extension without one stops the build).

use std::error::Error;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() -> Result<(), Box<dyn Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(std::env::var("OUT_DIR")?);

    let templates = root.join("templates");
    let mut code = String::from("const TEMPLATES: &[(&str, &str)] = &[\n");
    for (name, path) in files(&templates)? {
        if name.ends_with(".html") || name.ends_with(".txt") {
            writeln!(
                code,
                "    ({name:?}, include_str!({:?})),",
                path.display().to_string()
            )?;
        }
    }
    code.push_str("];\n");
    std::fs::write(out.join("templates.rs"), code)?;

    let assets = root.join("assets");
    let mut code = String::from("/// Every embedded asset.\npub const ASSETS: &[Asset] = &[\n");
    for (name, path) in files(&assets)? {
        let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or_default();
        let content_type = match ext {
            "css" => "text/css; charset=utf-8",
            "js" => "text/javascript; charset=utf-8",
            "svg" => "image/svg+xml",
            "png" => "image/png",
            "ico" => "image/x-icon",
            "woff2" => "font/woff2",
            "txt" => "text/plain; charset=utf-8",
            _ => return Err(format!("assets/{name}: no content type for {ext:?}").into()),
        };
        writeln!(
            code,
            "    Asset {{ path: {name:?}, body: include_bytes!({:?}), content_type: {content_type:?} }},",
            path.display().to_string()
        )?;
    }
    code.push_str("];\n");
    std::fs::write(out.join("assets.rs"), code)?;
    Ok(())
}

/// Every file below `dir` but hidden ones and links, as (its path from `dir` with `/`, its
/// full path), sorted; the folders are watched so that an added file rebuilds.
fn files(dir: &Path) -> Result<Vec<(String, PathBuf)>, Box<dyn Error>> {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        println!("cargo::rerun-if-changed={}", d.display());
        for e in std::fs::read_dir(&d)? {
            let e = e?;
            let p = e.path();
            let kind = e.file_type()?;
            // Hidden files (editor swap and lock files, .gitkeep) and links are not theme files.
            if e.file_name().to_string_lossy().starts_with('.') || kind.is_symlink() {
                continue;
            }
            if kind.is_dir() {
                todo.push(p);
            } else {
                let rel = p.strip_prefix(dir)?;
                let name: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                found.push((name.join("/"), p));
            }
        }
    }
    found.sort();
    Ok(found)
}
