//! Serves a folder (the built page) on a free loopback port, as a static host would.

use std::net::SocketAddr;
use std::path::Path;

use tower_http::services::{ServeDir, ServeFile};

/// A folder served over HTTP until dropped (then nothing answers on its port).
pub struct StaticSite {
    addr: SocketAddr,
    base: String,
    task: tokio::task::JoinHandle<()>,
}

impl StaticSite {
    /// Serves `dir` at the root, with `index.html` for `/`.
    pub async fn serve(dir: &Path) -> std::io::Result<StaticSite> {
        Self::serve_under(dir, "/").await
    }

    /// Serves `dir` under `base` (`/` or a path like `/mcp-desk/`, as a project page lives),
    /// with `index.html` for the base itself; anything outside it is a 404.
    pub async fn serve_under(dir: &Path, base: &str) -> std::io::Result<StaticSite> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let service = ServeDir::new(dir).fallback(ServeFile::new(dir.join("index.html")));
        let prefix = base.trim_end_matches('/');
        let app = if prefix.is_empty() {
            axum::Router::new().fallback_service(service)
        } else {
            axum::Router::new().nest_service(prefix, service)
        };
        // No connection outlives its answer, so dropping the site takes it off the network
        // at once (no kept-alive connection still serving); and the browser asks again each
        // time (as `cargo xtask dev` serves), so a page it shows without the site came from
        // the page's own offline cache, not the browser's.
        let app = app.layer(axum::middleware::map_response(
            |mut response: axum::response::Response| async move {
                let headers = response.headers_mut();
                headers.insert(
                    axum::http::header::CONNECTION,
                    axum::http::HeaderValue::from_static("close"),
                );
                headers.insert(
                    axum::http::header::CACHE_CONTROL,
                    axum::http::HeaderValue::from_static("no-cache"),
                );
                response
            },
        ));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(StaticSite {
            addr,
            base: format!("{prefix}/"),
            task,
        })
    }

    /// The page's address, e.g. `http://127.0.0.1:40123/` or `http://127.0.0.1:40123/mcp-desk/`.
    pub fn url(&self) -> String {
        format!("http://{}{}", self.addr, self.base)
    }
}

impl Drop for StaticSite {
    fn drop(&mut self) {
        self.task.abort();
    }
}
