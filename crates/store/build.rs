//! Lists the migrations of each engine from its folder (`migrations/{sqlite,postgres}`), so
//! a new file is picked up without editing a list: `NNNN_words.sql` becomes version NNNN,
//! description "words", its text embedded with `include_str!`.

use std::error::Error;
use std::fmt::Write as _;
use std::path::Path;

fn main() -> Result<(), Box<dyn Error>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut out = String::new();
    for (name, engine) in [("SQLITE", "sqlite"), ("POSTGRES", "postgres")] {
        let folder = dir.join(engine);
        println!("cargo::rerun-if-changed={}", folder.display());
        let mut files: Vec<String> = std::fs::read_dir(&folder)?
            .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect::<Result<_, _>>()?;
        files.retain(|f| f.ends_with(".sql"));
        files.sort();
        writeln!(out, "const {name}: &[Migration] = &[")?;
        for file in files {
            let stem = file.trim_end_matches(".sql");
            let (number, words) = stem
                .split_once('_')
                .ok_or_else(|| format!("{engine}/{file}: expected NNNN_description.sql"))?;
            let version: i64 = number
                .parse()
                .map_err(|e| format!("{engine}/{file}: {number:?} is not a version: {e}"))?;
            let description = words.replace('_', " ");
            let path = folder.join(&file);
            writeln!(
                out,
                "    Migration {{ version: {version}, description: {description:?}, \
                 sql: include_str!({:?}) }},",
                path.display().to_string()
            )?;
        }
        writeln!(out, "];")?;
    }
    let target = Path::new(&std::env::var("OUT_DIR")?).join("migrations.rs");
    std::fs::write(target, out)?;
    Ok(())
}
