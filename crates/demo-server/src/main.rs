//! `mcp-desk-demo [--host 127.0.0.1] [--port 8787]`: runs the demo MCP server until Ctrl-C.

use std::io::Write;
use std::net::{IpAddr, SocketAddr};

fn usage() -> ! {
    eprintln!("usage: mcp-desk-demo [--host 127.0.0.1] [--port 8787]");
    std::process::exit(2)
}

#[tokio::main]
async fn main() {
    let mut host: IpAddr = [127, 0, 0, 1].into();
    let mut port: u16 = 8787;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--host" => {
                host = args
                    .next()
                    .and_then(|h| h.parse().ok())
                    .unwrap_or_else(|| usage())
            }
            "--port" => {
                port = args
                    .next()
                    .and_then(|p| p.parse().ok())
                    .unwrap_or_else(|| usage())
            }
            "-h" | "--help" => usage(),
            other => {
                eprintln!("mcp-desk-demo: unknown argument {other}");
                usage()
            }
        }
    }
    let server = match mcp_desk_demo::serve(SocketAddr::new(host, port)).await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("mcp-desk-demo: cannot listen on {host}:{port}: {e}");
            std::process::exit(1);
        }
    };
    println!("mcp-desk-demo listening on {}", server.url());
    let _ = std::io::stdout().flush();
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("a SIGTERM handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate.recv() => {}
    }
    server.shutdown().await;
}
