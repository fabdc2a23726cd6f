//! The service worker that makes the page work offline after one visit: `cargo xtask dist`
//! writes `dist/sw.js` listing every file of that build, under a cache named by a hash of
//! them all. The page itself comes from the network while it answers (a new build arrives
//! whole: its files are named by their contents), else from the cache with the files cached
//! beside it. A new build's cache is filled whole before it takes over, and the old one goes
//! then: a page is never served half from each build.

use std::hash::{DefaultHasher, Hasher};
use std::path::Path;

/// The service worker's name in `dist/`.
pub const FILE: &str = "sw.js";

/// Writes `dist/sw.js` for the files now in `dist`.
pub fn write_service_worker(dist: &Path) -> Result<(), String> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dist).map_err(|e| format!("cannot read dist/: {e}"))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        if path.is_file() && name != FILE {
            let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            files.push((name, bytes));
        }
    }
    files.sort();
    let script = service_worker(&files);
    std::fs::write(dist.join(FILE), script).map_err(|e| format!("cannot write dist/{FILE}: {e}"))
}

/// The script for a build made of `files` (name, contents), sorted by name.
pub fn service_worker(files: &[(String, Vec<u8>)]) -> String {
    let mut hasher = DefaultHasher::new();
    for (name, bytes) in files {
        hasher.write(name.as_bytes());
        hasher.write(bytes);
    }
    let version = format!("{:016x}", hasher.finish());
    let mut urls = vec!["\"./\"".to_owned()];
    urls.extend(files.iter().map(|(name, _)| format!("\"./{name}\"")));
    TEMPLATE
        .replace("@VERSION@", &version)
        .replace("@FILES@", &urls.join(", "))
}

const TEMPLATE: &str = r#"// MCP Desk's service worker, written by `cargo xtask dist`: the whole build, cached on the
// first visit, serves the page when the network does not. One cache per build.
// Named by this copy's place too: builds hosted side by side on one origin (project pages
// under /<repo>/) keep their own caches.
const PLACE = "mcp-desk " + self.registration.scope + " ";
const CACHE = PLACE + "@VERSION@";
const FILES = [@FILES@];

self.addEventListener("install", (event) => {
  // The new build is cached whole, each file from the network (never the browser's HTTP
  // cache, which may still hold the old page), before it may take over; if any file fails,
  // it does not.
  const fresh = FILES.map((url) => new Request(url, { cache: "reload" }));
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(fresh)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith(PLACE) && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  // Only the page's own files: MCP servers and LLM APIs always go to the network.
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    // The page from the network when it answers within 3 s (a new build whole, its files
    // fetched with it), else this build's page from the cache (its files cached with it).
    const offline = () => caches.open(CACHE).then((cache) => cache.match("./"));
    const late = new Promise((_, reject) => setTimeout(() => reject(new Error("slow")), 3000));
    event.respondWith(Promise.race([fetch(request, { cache: "no-cache" }), late]).catch(offline));
    return;
  }
  // The other files are named by their contents: the cached copy is the right one.
  event.respondWith(
    caches.open(CACHE).then((cache) => cache.match(request)).then((hit) => hit || fetch(request)),
  );
});
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn build(wasm: &[u8]) -> Vec<(String, Vec<u8>)> {
        vec![
            ("app_bg.wasm".into(), wasm.to_vec()),
            ("index.html".into(), b"<html>".to_vec()),
        ]
    }

    #[test]
    fn the_worker_lists_every_file_under_a_cache_named_by_their_contents() {
        let one = service_worker(&build(b"one"));
        assert!(
            one.contains(r#"const FILES = ["./", "./app_bg.wasm", "./index.html"];"#),
            "{one}"
        );
        let cache = |script: &str| {
            script
                .lines()
                .find(|l| l.starts_with("const CACHE"))
                .unwrap()
                .to_owned()
        };
        assert_eq!(cache(&one), cache(&service_worker(&build(b"one"))));
        assert_ne!(cache(&one), cache(&service_worker(&build(b"two"))));
    }

    #[test]
    fn a_build_in_dist_gets_its_worker_and_the_worker_is_not_listed() {
        let dir = std::env::temp_dir().join(format!("mcp-desk-sw-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.html"), "<html>").unwrap();
        std::fs::write(dir.join(FILE), "old").unwrap();
        write_service_worker(&dir).unwrap();
        let script = std::fs::read_to_string(dir.join(FILE)).unwrap();
        assert!(
            script.contains(r#"const FILES = ["./", "./index.html"];"#),
            "{script}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
