//! Launchers for real third-party MCP servers, installed from npm into the project's
//! `.peers/` folder by `cargo xtask test`: start on a free port, wait for it, stop on drop.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use tokio::process::{Child, Command};

use crate::TempDir;

/// Where `cargo xtask test` installs npm peers (`MCP_DESK_PEERS`, default `<root>/.peers`).
pub fn peers_dir() -> PathBuf {
    std::env::var_os("MCP_DESK_PEERS")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::workspace_root().join(".peers"))
}

/// Which transport `server-everything` serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EverythingMode {
    /// Streamable HTTP at `/mcp`.
    StreamableHttp,
    /// The legacy HTTP+SSE transport (2024-11-05) at `/sse`.
    Sse,
}

/// `@modelcontextprotocol/server-everything`, running until dropped.
pub struct ServerEverything {
    _child: Child,
    port: u16,
    mode: EverythingMode,
    _logs: TempDir,
}

impl ServerEverything {
    pub async fn start(mode: EverythingMode) -> Result<ServerEverything, String> {
        let entry =
            peers_dir().join("node_modules/@modelcontextprotocol/server-everything/dist/index.js");
        if !entry.is_file() {
            return Err(format!(
                "server-everything is not installed at {}: run `cargo xtask test`, which installs it",
                entry.display()
            ));
        }
        let port = crate::free_port();
        let mut command = Command::new("node");
        command
            .arg(&entry)
            .arg(match mode {
                EverythingMode::StreamableHttp => "streamableHttp",
                EverythingMode::Sse => "sse",
            })
            .env("PORT", port.to_string());
        let (child, logs) = spawn_listening("server-everything", command, port).await?;
        Ok(ServerEverything {
            _child: child,
            port,
            mode,
            _logs: logs,
        })
    }

    /// The endpoint a client connects to.
    pub fn url(&self) -> String {
        match self.mode {
            EverythingMode::StreamableHttp => format!("http://localhost:{}/mcp", self.port),
            EverythingMode::Sse => format!("http://localhost:{}/sse", self.port),
        }
    }
}

/// One of the example servers the official TypeScript SDK ships
/// (`@modelcontextprotocol/sdk/dist/esm/examples/server/<name>.js`), running until dropped.
/// Some set no CORS headers: tests reach those through [`crate::fault_proxy::FaultProxy`]'s
/// forwarding path, as a real deployment puts a CORS front before them.
pub struct TsExample {
    _child: Child,
    port: u16,
    _logs: TempDir,
}

impl TsExample {
    /// Starts example `name` (e.g. `elicitationFormExample`) on a free port.
    pub async fn start(name: &str) -> Result<TsExample, String> {
        let entry = peers_dir().join(format!(
            "node_modules/@modelcontextprotocol/sdk/dist/esm/examples/server/{name}.js"
        ));
        if !entry.is_file() {
            return Err(format!(
                "the TypeScript SDK's {name} is not installed at {}: run `cargo xtask test`, which installs it",
                entry.display()
            ));
        }
        let port = crate::free_port();
        let mut command = Command::new("node");
        command.arg(&entry).env("PORT", port.to_string());
        let (child, logs) = spawn_listening(name, command, port).await?;
        Ok(TsExample {
            _child: child,
            port,
            _logs: logs,
        })
    }

    /// The endpoint a client connects to.
    pub fn url(&self) -> String {
        format!("http://localhost:{}/mcp", self.port)
    }
}

/// A protected MCP server with the TypeScript SDK's demo authorization server beside it (its
/// `/authorize` sends the person straight back with a code): the SDK's `simpleStreamableHttp`
/// example with `--oauth` ([`TsOAuthExample::start`]), or `peers/oauth_sampler.mjs`, the SDK's
/// own OAuth parts before a tool that samples ([`TsOAuthExample::sampler`]). Neither sets CORS
/// headers on the MCP server, so `peers/cors_front.mjs` puts them in front, in the same process
/// (their metadata names their own `localhost` URLs, which a proxy on another port would break).
pub struct TsOAuthExample {
    _child: Child,
    port: u16,
    auth_port: u16,
    _logs: TempDir,
}

impl TsOAuthExample {
    /// `simpleStreamableHttp --oauth` (tools `greet`, `collect-user-info`, …).
    pub async fn start() -> Result<TsOAuthExample, String> {
        let entry = peers_dir().join(
            "node_modules/@modelcontextprotocol/sdk/dist/esm/examples/server/simpleStreamableHttp.js",
        );
        Self::run(entry, &["--oauth"]).await
    }

    /// `peers/oauth_sampler.mjs`: tool `summarize {text}` samples; tokens must name it as their
    /// resource.
    pub async fn sampler() -> Result<TsOAuthExample, String> {
        let entry = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("peers/oauth_sampler.mjs");
        Self::run(entry, &[]).await
    }

    async fn run(entry: PathBuf, args: &[&str]) -> Result<TsOAuthExample, String> {
        let sdk = peers_dir().join("node_modules/@modelcontextprotocol/sdk");
        if !sdk.is_dir() {
            return Err(format!(
                "the TypeScript SDK is not installed at {}: run `cargo xtask test`, which installs it",
                sdk.display()
            ));
        }
        let front = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("peers/cors_front.mjs");
        let (port, auth_port) = (crate::free_port(), crate::free_port());
        let mut command = Command::new("node");
        command
            .arg("--import")
            .arg(format!("file://{}", front.display()))
            .arg(&entry)
            .args(args)
            .env("MCP_DESK_PEERS", peers_dir())
            .env("MCP_PORT", port.to_string())
            .env("MCP_AUTH_PORT", auth_port.to_string());
        let name = entry
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let (child, logs) = spawn_listening(&name, command, port).await?;
        if !crate::wait_for_port(auth_port, Duration::from_secs(30)).await {
            return Err(format!(
                "{name}'s authorization server did not listen on port {auth_port} within 30 s"
            ));
        }
        Ok(TsOAuthExample {
            _child: child,
            port,
            auth_port,
            _logs: logs,
        })
    }

    /// The MCP endpoint, as its metadata names it.
    pub fn url(&self) -> String {
        format!("http://localhost:{}/mcp", self.port)
    }

    /// The authorization server's issuer.
    pub fn issuer(&self) -> String {
        format!("http://localhost:{}/", self.auth_port)
    }
}

/// Starts `command` with its output in a log file; waits until it listens on `port`.
async fn spawn_listening(
    name: &str,
    mut command: Command,
    port: u16,
) -> Result<(Child, TempDir), String> {
    let logs = TempDir::new("mcp-desk-peer").map_err(|e| e.to_string())?;
    let log_path = logs.path().join("server.log");
    let log = std::fs::File::create(&log_path).map_err(|e| e.to_string())?;
    let child = command
        .stdin(Stdio::null())
        .stdout(log.try_clone().map_err(|e| e.to_string())?)
        .stderr(log)
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot start {name}: {e}"))?;
    if !crate::wait_for_port(port, Duration::from_secs(30)).await {
        let tail = std::fs::read_to_string(&log_path).unwrap_or_default();
        return Err(format!(
            "{name} did not listen on port {port} within 30 s; its log:\n{tail}"
        ));
    }
    Ok((child, logs))
}

/// How the Python SDK peer lets pages on other origins in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cors {
    /// Starlette's `CORSMiddleware`, exposing `Mcp-Session-Id` (what the README asks for).
    Full,
    /// `CORSMiddleware` without `expose_headers`: the page cannot read the session id.
    NoExposeHeaders,
    /// None at all, as `streamable_http_app()` under uvicorn comes.
    None,
}

/// The official Python SDK (PyPI `mcp` 2.x) serving `peers/python_sampler.py`: tools that
/// sample the 2025 way (`summarize_2025`, `summarize_within`) and one that returns
/// `input_required` (`summarize_mrtr`). Installed into `.peers/venv` by `cargo xtask test`.
pub struct PythonSampler {
    _child: Child,
    port: u16,
    _logs: TempDir,
}

impl PythonSampler {
    pub async fn start(cors: Cors) -> Result<PythonSampler, String> {
        let python = peers_dir().join("venv/bin/python");
        if !python.is_file() {
            return Err(format!(
                "the Python SDK peer is not installed at {}: run `cargo xtask test`, which installs it",
                python.display()
            ));
        }
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("peers/python_sampler.py");
        let port = crate::free_port();
        let mut command = Command::new(python);
        command.arg(script).arg(port.to_string()).arg(match cors {
            Cors::Full => "full",
            Cors::NoExposeHeaders => "no-expose",
            Cors::None => "none",
        });
        let (child, logs) = spawn_listening("the Python SDK server", command, port).await?;
        Ok(PythonSampler {
            _child: child,
            port,
            _logs: logs,
        })
    }

    /// The MCP endpoint (on 127.0.0.1: the SDK's origin check allows loopback pages).
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/mcp", self.port)
    }
}

/// The command that starts the Python SDK peer on stdio, as a person would type it.
pub fn python_stdio_command() -> String {
    let python = peers_dir().join("venv/bin/python");
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("peers/python_sampler.py");
    format!("{} {} stdio", python.display(), script.display())
}

/// The npm bridge `supergateway` serving a stdio server as Streamable HTTP, started with a
/// command line as the page shows it (`npx -y supergateway@… …`), run with the project's
/// pinned install instead of `npx`.
pub struct StdioBridge {
    _child: Child,
    _logs: TempDir,
}

impl StdioBridge {
    /// Runs `command_line` in `sh`; waits until it listens on `port`.
    pub async fn run(command_line: &str, port: u16) -> Result<StdioBridge, String> {
        let bridge = peers_dir().join("node_modules/.bin/supergateway");
        if !bridge.is_file() {
            return Err(format!(
                "supergateway is not installed at {}: run `cargo xtask test`, which installs it",
                bridge.display()
            ));
        }
        let (_, args) = command_line
            .split_once(" supergateway@4.0.0 ")
            .ok_or_else(|| format!("not a supergateway 4.0.0 command: {command_line}"))?;
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(format!("exec {} {args}", bridge.display()));
        let (child, logs) = spawn_listening("supergateway", command, port).await?;
        Ok(StdioBridge {
            _child: child,
            _logs: logs,
        })
    }
}
