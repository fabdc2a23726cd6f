//! `cargo xtask dev`: build the page, start the demo MCP server, serve the page, and print the one
//! URL that opens it connected to the demo server with the mock provider.

use std::net::TcpListener;
use std::process::{Child, Stdio};

use crate::proc::{cargo, command, run};
use crate::{install, root, serve};

const DEFAULT_APP_PORT: u16 = 8080;
const DEFAULT_DEMO_PORT: u16 = 8787;

/// Kills the demo server when `dev` returns or unwinds.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn run_dev(args: &[String]) -> Result<(), String> {
    let app_port = flag(args, "--port")?.unwrap_or(DEFAULT_APP_PORT);
    let demo_port = flag(args, "--demo-port")?.unwrap_or(DEFAULT_DEMO_PORT);

    install::build_tools()?;
    crate::dist::build(crate::dist::RELATIVE)?;
    run(
        "building the demo MCP server",
        cargo().args(["build", "--quiet", "--package", "mcp-desk-demo"]),
    )?;

    let app = TcpListener::bind(("127.0.0.1", app_port))
        .map_err(|e| format!("port {app_port} for the page is taken ({e}); try --port N"))?;
    TcpListener::bind(("127.0.0.1", demo_port)).map_err(|e| {
        format!("port {demo_port} for the demo server is taken ({e}); try --demo-port N")
    })?;
    let demo = command(
        &root()
            .join("target/debug/mcp-desk-demo")
            .display()
            .to_string(),
    )
    .args(["--host", "127.0.0.1", "--port", &demo_port.to_string()])
    .stdin(Stdio::null())
    .spawn()
    .map_err(|e| format!("cannot start the demo server: {e}"))?;
    let _demo = KillOnDrop(demo);

    println!();
    println!("MCP Desk is served at http://127.0.0.1:{app_port}/");
    println!("Open this to start connected to the demo server with the mock provider:");
    println!();
    println!("    {}", start_url(app_port, demo_port));
    println!();
    println!("Ctrl-C stops both.");
    serve::serve_forever(app, root().join("dist"));
    Ok(())
}

/// The page's URL with the `ui-contract.md` fragment keys: server, provider, connect.
pub fn start_url(app_port: u16, demo_port: u16) -> String {
    format!(
        "http://127.0.0.1:{app_port}/#server=http%3A%2F%2F127.0.0.1%3A{demo_port}%2Fmcp&provider=mock&connect=1"
    )
}

fn flag(args: &[String], name: &str) -> Result<Option<u16>, String> {
    match args.iter().position(|a| a == name) {
        None => Ok(None),
        Some(i) => args
            .get(i + 1)
            .and_then(|v| v.parse().ok())
            .map(Some)
            .ok_or_else(|| format!("{name} needs a port number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_url_points_the_page_at_the_demo_server_with_mock() {
        assert_eq!(
            start_url(8080, 8787),
            "http://127.0.0.1:8080/#server=http%3A%2F%2F127.0.0.1%3A8787%2Fmcp&provider=mock&connect=1"
        );
    }

    #[test]
    fn reads_port_flags() {
        let args: Vec<String> = ["--port", "9000"].iter().map(|s| s.to_string()).collect();
        assert_eq!(flag(&args, "--port"), Ok(Some(9000)));
        assert_eq!(flag(&args, "--demo-port"), Ok(None));
        let bad: Vec<String> = ["--port"].iter().map(|s| s.to_string()).collect();
        assert!(flag(&bad, "--port").is_err());
    }
}
