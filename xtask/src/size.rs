//! The release bundle's weight: every file of `dist/`, raw, gzip and brotli, and the total.

use std::io::Write;
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;

/// One file of the bundle.
pub struct FileSize {
    pub path: String,
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
}

/// Every file under `dist`, largest gzip first.
pub fn measure(dist: &Path) -> Result<Vec<FileSize>, String> {
    let mut files = Vec::new();
    collect(dist, &mut files).map_err(|e| format!("cannot read {}: {e}", dist.display()))?;
    let mut sizes = files
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            Ok(FileSize {
                path: path
                    .strip_prefix(dist)
                    .unwrap_or(&path)
                    .display()
                    .to_string(),
                raw: bytes.len() as u64,
                gzip: gzip_len(&bytes),
                brotli: brotli_len(&bytes),
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    sizes.sort_by(|a, b| b.gzip.cmp(&a.gzip).then_with(|| a.path.cmp(&b.path)));
    Ok(sizes)
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// Bytes after gzip at its best level, as a static host would serve them.
pub fn gzip_len(bytes: &[u8]) -> u64 {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(bytes).expect("writing to memory");
    encoder.finish().expect("writing to memory").len() as u64
}

/// Bytes after brotli at its best quality.
pub fn brotli_len(bytes: &[u8]) -> u64 {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    let _ = brotli::BrotliCompress(&mut &bytes[..], &mut out, &params);
    out.len() as u64
}

/// The table `cargo xtask test` prints.
pub fn table(sizes: &[FileSize]) -> String {
    let width = sizes.iter().map(|f| f.path.len()).max().unwrap_or(0).max(5);
    let row = |name: &str, raw: u64, gzip: u64, brotli: u64| {
        format!(
            "{name:<width$}  {:>10}  {:>10}  {:>10}\n",
            kb(raw),
            kb(gzip),
            kb(brotli)
        )
    };
    let mut out = format!(
        "{:<width$}  {:>10}  {:>10}  {:>10}\n",
        "file", "raw", "gzip", "brotli"
    );
    for f in sizes {
        out += &row(&f.path, f.raw, f.gzip, f.brotli);
    }
    let sum = |field: fn(&FileSize) -> u64| sizes.iter().map(field).sum::<u64>();
    out += &row("total", sum(|f| f.raw), sum(|f| f.gzip), sum(|f| f.brotli));
    out
}

/// The size goal of the benchmarks issue: the whole first visit, gzip.
pub const GOAL_GZIP: u64 = 250_000;
/// What `cargo xtask test` refuses to exceed. The bundle is not at the goal yet, so this
/// ceiling sits just above today's size (so nothing grows unnoticed); lower it as the bundle
/// shrinks, until it reaches [`GOAL_GZIP`].
pub const CEILING_GZIP: u64 = 578_500;

/// Passes with a line on how far the goal is, or fails naming the largest files.
pub fn check_ceiling(sizes: &[FileSize], ceiling: u64, goal: u64) -> Result<String, String> {
    let total: u64 = sizes.iter().map(|f| f.gzip).sum();
    if total > ceiling {
        let largest = sizes
            .iter()
            .take(3)
            .map(|f| format!("{} {}", f.path, kb(f.gzip)))
            .collect::<Vec<_>>()
            .join(", ");
        return Err(format!(
            "the release bundle is {} gzip, over its ceiling of {} (goal {}); largest files: {largest}. `cargo xtask bench` shows what each crate costs.",
            kb(total),
            kb(ceiling),
            kb(goal)
        ));
    }
    Ok(if total > goal {
        format!(
            "bundle {} gzip: under its ceiling of {}, still {} above the {} goal",
            kb(total),
            kb(ceiling),
            kb(total - goal),
            kb(goal)
        )
    } else {
        format!("bundle {} gzip: within the {} goal", kb(total), kb(goal))
    })
}

fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, gzip: u64) -> FileSize {
        FileSize {
            path: path.into(),
            raw: gzip * 3,
            gzip,
            brotli: gzip,
        }
    }

    #[test]
    fn the_ceiling_fails_naming_the_largest_files() {
        let sizes = [
            file("app_bg.wasm", 300_000),
            file("app.js", 9_000),
            file("index.html", 700),
        ];
        let err = check_ceiling(&sizes, 250_000, 200_000).unwrap_err();
        assert!(
            err.contains("309.7 KB") && err.contains("app_bg.wasm 300.0 KB"),
            "{err}"
        );
        let ok = check_ceiling(&sizes, 320_000, 250_000).unwrap();
        assert!(ok.contains("59.7 KB above the 250.0 KB goal"), "{ok}");
        assert!(
            check_ceiling(&sizes, 320_000, 310_000)
                .unwrap()
                .contains("within")
        );
    }

    #[test]
    fn brotli_shrinks_repetitive_text() {
        let text = "sampling ".repeat(1000);
        let br = brotli_len(text.as_bytes());
        assert!(
            br > 0 && br < 200,
            "brotli of 9000 repetitive bytes was {br}"
        );
    }

    #[test]
    fn gzip_shrinks_repetitive_text() {
        let text = "sampling ".repeat(1000);
        let gz = gzip_len(text.as_bytes());
        assert!(gz > 0 && gz < 200, "gzip of 9000 repetitive bytes was {gz}");
    }

    #[test]
    fn table_lists_files_and_total() {
        let sizes = vec![
            FileSize {
                path: "app_bg.wasm".into(),
                raw: 500_000,
                gzip: 200_000,
                brotli: 150_000,
            },
            FileSize {
                path: "index.html".into(),
                raw: 1_500,
                gzip: 700,
                brotli: 500,
            },
        ];
        let table = table(&sizes);
        assert!(table.contains("app_bg.wasm"), "{table}");
        assert!(
            table.lines().last().unwrap().contains("501.5 KB"),
            "{table}"
        );
        assert!(
            table.lines().last().unwrap().contains("200.7 KB"),
            "{table}"
        );
        assert!(
            table.lines().last().unwrap().contains("150.5 KB"),
            "{table}"
        );
    }
}
