//! Serves a folder (the built page) on a free loopback port, as a static host would.

use std::net::SocketAddr;
use std::path::Path;

use tower_http::services::{ServeDir, ServeFile};

/// A folder served over HTTP until dropped.
pub struct StaticSite {
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl StaticSite {
    /// Serves `dir`, with `index.html` for `/`.
    pub async fn serve(dir: &Path) -> std::io::Result<StaticSite> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let service = ServeDir::new(dir).fallback(ServeFile::new(dir.join("index.html")));
        let app = axum::Router::new().fallback_service(service);
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(StaticSite { addr, task })
    }

    /// The site's root, e.g. `http://127.0.0.1:40123/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }
}

impl Drop for StaticSite {
    fn drop(&mut self) {
        self.task.abort();
    }
}
