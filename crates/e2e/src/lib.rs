//! Shared steps of the end-to-end tests: serve the built page, open it in headless Chromium
//! pointed at a server, and a few page helpers the tests read like sentences with.

pub mod page_work;

use std::path::PathBuf;
use std::time::Duration;

use fantoccini::Locator;
use mcp_desk_demo::DemoServer;
use mcp_desk_testkit::browser::Browser;
use mcp_desk_testkit::static_site::StaticSite;

/// The built page (`trunk build --release`), from `MCP_DESK_DIST` or `<workspace>/dist`.
pub fn dist_dir() -> PathBuf {
    let dir = std::env::var_os("MCP_DESK_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| mcp_desk_testkit::workspace_root().join("dist"));
    assert!(
        dir.join("index.html").is_file(),
        "the built page is missing at {}: run `cargo xtask test` (it builds dist/ before these tests)",
        dir.display()
    );
    dir
}

/// Starts the demo MCP server on a free loopback port.
pub async fn start_demo() -> DemoServer {
    mcp_desk_demo::serve(([127, 0, 0, 1], 0).into())
        .await
        .expect("the demo server starts")
}

/// The page open in a browser, and the site serving it.
/// A log line a test counts (`Page::wait_for_log_lines`).
#[derive(Debug, Clone, Copy)]
pub enum LogLine<'a> {
    Exact(&'a str),
    StartingWith(&'a str),
}

pub struct Page {
    pub browser: Browser,
    site: Option<StaticSite>,
}

/// Serves the page, opens it with `server` and `provider` in the fragment and `connect=1`.
pub async fn open_page(server: &str, provider: &str) -> Page {
    open_page_at(server, provider, None).await
}

/// Like [`open_page`], forcing a protocol revision with the `revision` URL key when given.
pub async fn open_page_at(server: &str, provider: &str, revision: Option<&str>) -> Page {
    let extra = revision
        .map(|r| format!("&revision={r}"))
        .unwrap_or_default();
    open_page_with(server, provider, &extra).await
}

/// Like [`open_page`], with `extra` (`&key=value…`) appended to the fragment.
pub async fn open_page_with(server: &str, provider: &str, extra: &str) -> Page {
    open_page_in(&dist_dir(), server, provider, extra).await
}

/// Like [`open_page_with`], serving the built page from `dist`.
pub async fn open_page_in(
    dist: &std::path::Path,
    server: &str,
    provider: &str,
    extra: &str,
) -> Page {
    let site = StaticSite::serve(dist).await.expect("static site");
    open_site(site, server, provider, extra).await
}

/// Like [`open_page`], with the page served under `base` (like `/mcp-desk/`), as a project
/// page is hosted.
pub async fn open_page_under(base: &str, server: &str, provider: &str) -> Page {
    let site = StaticSite::serve_under(&dist_dir(), base)
        .await
        .expect("static site");
    open_site(site, server, provider, "").await
}

async fn open_site(site: StaticSite, server: &str, provider: &str, extra: &str) -> Page {
    let fragment = format!(
        "server={}&provider={provider}&connect=1{extra}",
        percent_encode(server)
    );
    open_at(site, &fragment).await
}

/// `server-everything` over Streamable HTTP, and the page connected to it (mock provider) once
/// it lists what `ready` (a `data-testid`, e.g. `tool-item`) shows.
pub async fn open_everything(ready: &str) -> (mcp_desk_testkit::peers::ServerEverything, Page) {
    use mcp_desk_testkit::peers::{EverythingMode, ServerEverything};
    let server = ServerEverything::start(EverythingMode::StreamableHttp)
        .await
        .unwrap();
    let page = open_page(&server.url(), "mock").await;
    page.browser.wait_for_testid(ready, WAIT).await.unwrap();
    (server, page)
}

/// The Python SDK peer with `cors`, and the page connected to it at 2026-07-28 (mock
/// provider) once it lists what `ready` (a `data-testid`, e.g. `tool-item`) shows.
pub async fn open_python(
    cors: mcp_desk_testkit::peers::Cors,
    ready: &str,
) -> (mcp_desk_testkit::peers::PythonSampler, Page) {
    let server = mcp_desk_testkit::peers::PythonSampler::start(cors)
        .await
        .unwrap();
    let page = open_page(&server.url(), "mock").await;
    page.browser
        .wait_for_exact("protocol-version", "2026-07-28", WAIT)
        .await
        .unwrap();
    page.browser.wait_for_testid(ready, WAIT).await.unwrap();
    (server, page)
}

/// Serves the page and opens it with no server, `provider` chosen: as a person arrives.
pub async fn open_blank_page(provider: &str) -> Page {
    let site = StaticSite::serve(&dist_dir()).await.expect("static site");
    open_at(site, &format!("provider={provider}")).await
}

async fn open_at(site: StaticSite, fragment: &str) -> Page {
    let browser = Browser::launch().await.expect("Chromium starts");
    let url = format!("{}#{fragment}", site.url());
    browser.goto(&url).await.expect("the page loads");
    browser
        .wait_until_ready(Duration::from_secs(20))
        .await
        .expect("the page becomes ready");
    Page {
        browser,
        site: Some(site),
    }
}

/// How long the page gets for what a test waits for.
const WAIT: Duration = Duration::from_secs(30);

impl Page {
    /// Waits until `testid`'s `attribute` is `value` exactly; if it never is, fails with what
    /// the elements named in `shown` say (the status, the result, the log …).
    async fn wait_for_attribute_or_show(
        &self,
        testid: &str,
        attribute: &str,
        value: &str,
        shown: &[&str],
    ) {
        if let Err(e) = self
            .browser
            .wait_for_attribute(testid, attribute, value, WAIT)
            .await
        {
            let mut why = e;
            for id in shown {
                let text = self.browser.all_text_of(id).await.unwrap_or_default();
                why.push_str(&format!("\n{id}: {text}"));
            }
            panic!("{why}");
        }
    }

    /// Waits until the tab in front's connection is in `state` exactly (`connecting`,
    /// `connected`, `disconnected`, `error`: `data-state` of `connection-status`).
    pub async fn wait_for_connection(&self, state: &str) {
        self.wait_for_attribute_or_show(
            "connection-status",
            "data-state",
            state,
            &["connection-status"],
        )
        .await
    }

    /// Waits until the last tool call ended with `outcome` exactly (`ok`, `error`, `declined`,
    /// `cancelled`: `data-outcome` of `tool-result`) and returns its text.
    pub async fn wait_for_outcome(&self, outcome: &str) -> String {
        self.wait_for_attribute_or_show(
            "tool-result",
            "data-outcome",
            outcome,
            &["tool-result", "log-list"],
        )
        .await;
        self.browser.text_of("tool-result").await.unwrap()
    }

    /// Waits until `script` (a function body) returns `expected`, polling for up to 30 s;
    /// otherwise returns what it returned last.
    pub async fn wait_for_script(
        &self,
        script: &str,
        expected: &serde_json::Value,
    ) -> Result<(), serde_json::Value> {
        let mut last = serde_json::Value::Null;
        for _ in 0..300 {
            last = self.browser.eval(script).await.unwrap();
            if &last == expected {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(last)
    }

    /// Waits until the log shows exactly `count` lines from `source` (`client`, `server`)
    /// that are `line`. The log list is redrawn at most every 200 ms, so a line logged just
    /// now may not be on screen yet: counting it without waiting raced.
    pub async fn wait_for_log_lines(&self, source: &str, line: LogLine<'_>, count: usize) {
        let (test, text) = match line {
            LogLine::Exact(text) => ("t === want", text),
            LogLine::StartingWith(text) => ("t.startsWith(want)", text),
        };
        let script = format!(
            "const want = {}; return [...document.querySelectorAll('[data-testid=log-item][data-source={source}] .text')].map(e => e.textContent).filter(t => {test}).length;",
            serde_json::Value::String(text.into())
        );
        if let Err(seen) = self
            .wait_for_script(&script, &serde_json::json!(count))
            .await
        {
            let log = self
                .browser
                .all_text_of("log-list")
                .await
                .unwrap_or_default();
            panic!("{seen} {source} log lines {line:?}, not {count}; log: {log}");
        }
    }

    /// Stops serving the page: nothing answers at its address any more.
    pub fn stop_site(&mut self) {
        self.site = None;
    }

    /// Waits until the CORS doctor shows exactly `diagnosis` (`data-diagnosis`).
    pub async fn wait_for_diagnosis(&self, diagnosis: &str) {
        self.wait_for_attribute_or_show(
            "cors-doctor",
            "data-diagnosis",
            diagnosis,
            &["connection-status", "cors-doctor"],
        )
        .await
    }

    /// The titles of the fixes the CORS doctor offers, in order.
    pub async fn fix_titles(&self) -> Vec<String> {
        let titles = self
            .browser
            .eval(
                "return [...document.querySelectorAll('[data-testid=cors-doctor-fix]')].map(e => e.dataset.name);",
            )
            .await
            .unwrap();
        serde_json::from_value(titles).unwrap()
    }

    /// The text of the fix titled `title`.
    pub async fn fix_text(&self, title: &str) -> String {
        self.text_css(&format!(
            r#"[data-testid="cors-doctor-fix"][data-name="{title}"] pre"#
        ))
        .await
    }

    /// Waits until `sampling-count` shows exactly `n`.
    pub async fn wait_for_queue(&self, n: usize) {
        self.browser
            .wait_for_exact("sampling-count", &n.to_string(), WAIT)
            .await
            .unwrap();
    }

    /// Picks `tool` in the tool list, enters `args` as its JSON arguments and calls it.
    pub async fn call_tool(&self, tool: &str, args: &serde_json::Value) {
        self.click_css(&format!(r#"[data-testid="tool-item"][data-name="{tool}"]"#))
            .await;
        self.browser
            .set_value("tool-args-json", &args.to_string())
            .await
            .expect("the arguments box takes text");
        self.browser
            .click("call-tool")
            .await
            .expect("the call button");
    }

    /// Generates an answer to the request in the dialog, waits for `response` in it, approves
    /// it, and waits for the call to end well, with `result` in its result.
    pub async fn generate_and_approve(&self, response: &str, result: &str) {
        let b = &self.browser;
        b.click("sampling-generate").await.unwrap();
        b.wait_for_text("sampling-response", response, WAIT)
            .await
            .unwrap();
        b.click("sampling-approve").await.unwrap();
        let shown = self.wait_for_outcome("ok").await;
        assert!(
            shown.contains(result),
            "{result:?} is not in the result: {shown}"
        );
    }

    /// The one queued request leaves when the server's deadline passes, with a notice that
    /// the server gave up on it, and the call of `tool` ends with `outcome` and `result` in
    /// its result. The notice names the
    /// server's `notifications/cancelled` or, when the call's result outruns it (the SDKs
    /// may send the two on different streams), the end of the call: either is the server
    /// giving up, and whichever comes first takes the request.
    pub async fn expect_cancelled_by_server(&self, tool: &str, outcome: &str, result: &str) {
        let call_ended = format!(
            "The call of {tool} ended before this request was answered; the server no longer waits for it."
        );
        let b = &self.browser;
        self.wait_for_queue(1).await;
        self.wait_for_queue(0).await;
        let shown = self.wait_for_outcome(outcome).await;
        assert!(
            shown.contains(result),
            "{result:?} is not in the result: {shown}"
        );
        assert_eq!(
            b.attribute_of("sampling-notice", "data-kind")
                .await
                .unwrap()
                .as_deref(),
            Some("cancelled")
        );
        let notice = b.text_of("sampling-notice").await.unwrap();
        assert!(
            notice.starts_with("The server cancelled this request: ") || notice == call_ended,
            "the notice says the server gave up: {notice:?}"
        );
    }

    /// Enters the provider's API key in the settings and saves it (for this tab only).
    pub async fn save_api_key(&self, key: &str) {
        let b = &self.browser;
        b.set_value("provider-api-key", key).await.unwrap();
        b.click("provider-save").await.unwrap();
        if let Err(e) = b
            .wait_for_testid("provider-saved", Duration::from_secs(30))
            .await
        {
            self.screenshot("provider-save-failed").await;
            panic!(
                "{e}\nlog: {}",
                b.all_text_of("log-list").await.unwrap_or_default()
            );
        }
    }

    /// Waits until no element has this `data-testid` (up to 30 s).
    pub async fn wait_until_gone(&self, testid: &str) {
        let script = format!("return document.querySelector('[data-testid={testid}]') === null;");
        if self
            .wait_for_script(&script, &serde_json::Value::Bool(true))
            .await
            .is_err()
        {
            panic!("{testid} is still shown");
        }
    }

    /// Clicks the element a CSS selector finds, waiting for it to appear.
    pub async fn click_css(&self, selector: &str) {
        self.find_css(selector)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {selector}: {e}"));
    }

    /// The text of the element a CSS selector finds, waiting for it to appear.
    pub async fn text_css(&self, selector: &str) -> String {
        self.find_css(selector)
            .await
            .text()
            .await
            .unwrap_or_else(|e| panic!("text of {selector}: {e}"))
    }

    async fn find_css(&self, selector: &str) -> fantoccini::elements::Element {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            match self.browser.client().find(Locator::Css(selector)).await {
                Ok(element) => return element,
                Err(e) if tokio::time::Instant::now() > deadline => {
                    panic!("{selector} did not appear within 20 s: {e}")
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    /// Clicks the export button `testid` and returns the one file it made, caught as the page
    /// makes its `Blob` (no download dialog in headless Chromium).
    pub async fn export(&self, testid: &str) -> String {
        let b = &self.browser;
        b.eval("if (!window.__exports) { const make = URL.createObjectURL; URL.createObjectURL = (blob) => { window.__exports.push(blob); return make.call(URL, blob); }; } window.__exports = []; return true;")
            .await
            .unwrap();
        b.click(testid).await.unwrap();
        let exported = b
            .eval("return window.__exports.length === 1 ? window.__exports[0].text() : null;")
            .await
            .unwrap();
        exported
            .as_str()
            .unwrap_or_else(|| panic!("{testid} made not exactly one file"))
            .to_owned()
    }

    /// Saves a screenshot under `target/e2e-screenshots/<name>.png` for people to look at.
    pub async fn screenshot(&self, name: &str) {
        let dir = mcp_desk_testkit::workspace_root().join("target/e2e-screenshots");
        let _ = std::fs::create_dir_all(&dir);
        let _ = self
            .browser
            .screenshot(&dir.join(format!("{name}.png")))
            .await;
    }

    pub async fn close(self) {
        self.browser.close().await;
    }
}

/// What a burst of sampling requests did, seen from the page and from the server.
#[derive(Debug)]
pub struct Burst {
    /// From the call's click until the queue showed every request (measured in the page).
    pub queued_ms: f64,
    /// The longest main-thread task meanwhile (`PerformanceObserver`, `longtask`); 0 if none
    /// passed the browser's 50 ms threshold.
    pub longest_task_ms: f64,
    /// The demo's `bench_sampling` summary: how each request ended.
    pub server: serde_json::Value,
}

/// Has the demo server send `count` sampling requests at once (its `bench_sampling` tool with
/// `at_once`), with no rule to answer them: waits until the queue shows them all, then
/// rejects each with the Esc key, as a person would, and returns what the server heard.
pub async fn burst(page: &Page, count: u64) -> Result<Burst, String> {
    let b = &page.browser;
    b.wait_for_testid("tool-item", Duration::from_secs(30))
        .await?;
    // Watch from the page itself: the moment the last entry renders, and long tasks.
    b.eval(&format!(
        r#"window.__burst = {{ longest: 0, done: null, start: null }};
        new PerformanceObserver((list) => {{
            for (const e of list.getEntries()) window.__burst.longest = Math.max(window.__burst.longest, e.duration);
        }}).observe({{ type: "longtask" }});
        const queue = document.querySelector('[data-testid="sampling-queue"]');
        new MutationObserver((_, observer) => {{
            if (queue.children.length >= {count} && window.__burst.done === null) {{
                window.__burst.done = performance.now();
                observer.disconnect();
            }}
        }}).observe(queue, {{ childList: true }});
        document.querySelector('[data-testid="call-tool"]').addEventListener("click", () => {{ window.__burst.start = performance.now(); }}, {{ once: true }});
        return true;"#
    ))
    .await?;
    page.call_tool(
        "bench_sampling",
        &serde_json::json!({"count": count, "at_once": true}),
    )
    .await;
    b.wait_for_exact(
        "sampling-count",
        &count.to_string(),
        Duration::from_secs(120),
    )
    .await?;
    let seen = b
        .eval("return [window.__burst.done - window.__burst.start, window.__burst.longest]")
        .await?;
    let number = |i: usize| {
        seen.get(i)
            .and_then(serde_json::Value::as_f64)
            .unwrap_or(f64::NAN)
    };
    let (queued_ms, longest_task_ms) = (number(0), number(1));

    for left in (0..count).rev() {
        b.wait_for_testid("sampling-dialog", Duration::from_secs(10))
            .await?;
        b.client()
            .active_element()
            .await
            .map_err(|e| e.to_string())?
            .send_keys(&fantoccini::key::Key::Escape.to_string())
            .await
            .map_err(|e| e.to_string())?;
        b.wait_for_exact("sampling-count", &left.to_string(), Duration::from_secs(10))
            .await?;
    }
    b.wait_for_attribute("tool-result", "data-outcome", "ok", Duration::from_secs(60))
        .await?;
    let text = b.text_of("tool-result").await?;
    let server = serde_json::from_str(&text)
        .map_err(|e| format!("the burst's result is not JSON ({e}): {text}"))?;
    Ok(Burst {
        queued_ms,
        longest_task_ms,
        server,
    })
}

/// Percent-encodes a URL for use as a fragment value.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
