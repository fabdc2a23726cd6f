//! Headless Chromium driven over WebDriver (chromedriver + fantoccini), with the few steps
//! the tests use, each finding elements by `data-testid` and waiting patiently.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use tokio::process::{Child, Command};

use crate::TempDir;

/// A browser session; closing or dropping it stops chromedriver and Chromium.
pub struct Browser {
    client: Client,
    driver: Child,
    _profile: TempDir,
}

fn selector(testid: &str) -> String {
    format!("[data-testid=\"{testid}\"]")
}

impl Browser {
    /// Starts chromedriver (`CHROMEDRIVER`, default `/usr/bin/chromedriver`) and a headless
    /// Chromium (`CHROME`, default `/usr/bin/chromium`) with a fresh profile.
    pub async fn launch() -> Result<Browser, String> {
        let driver_path =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let chrome = std::env::var("CHROME").unwrap_or_else(|_| "/usr/bin/chromium".into());
        for (what, path) in [("chromedriver", &driver_path), ("Chromium", &chrome)] {
            if !Path::new(path).exists() {
                return Err(format!(
                    "{what} is missing at {path}: run `cargo xtask test`, which installs it"
                ));
            }
        }
        let port = crate::free_port();
        let mut driver = Command::new(&driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("cannot start {driver_path}: {e}"))?;
        if !crate::wait_for_port(port, Duration::from_secs(20)).await {
            let _ = driver.kill().await;
            return Err("chromedriver did not start listening within 20 s".into());
        }
        let profile = TempDir::new("mcp-desk-chromium").map_err(|e| e.to_string())?;
        let args = [
            "--headless=new".to_owned(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--no-first-run".into(),
            "--window-size=1280,1000".into(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({"binary": chrome, "args": args}),
        );
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .map_err(|e| format!("cannot open a WebDriver session: {e}"))?;
        Ok(Browser {
            client,
            driver,
            _profile: profile,
        })
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub async fn goto(&self, url: &str) -> Result<(), String> {
        self.client
            .goto(url)
            .await
            .map_err(|e| format!("goto {url}: {e}"))
    }

    /// Waits for `<body data-ready="true">`.
    pub async fn wait_until_ready(&self, timeout: Duration) -> Result<(), String> {
        self.wait_for_css("body[data-ready=\"true\"]", timeout)
            .await
            .map(|_| ())
    }

    async fn wait_for_css(&self, css: &str, timeout: Duration) -> Result<Element, String> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            match self.client.find(Locator::Css(css)).await {
                Ok(element) => return Ok(element),
                Err(e) if tokio::time::Instant::now() >= deadline => {
                    return Err(format!("{css} did not appear within {timeout:?}: {e}"));
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    /// Waits for the element with this `data-testid`.
    pub async fn wait_for_testid(
        &self,
        testid: &str,
        timeout: Duration,
    ) -> Result<Element, String> {
        self.wait_for_css(&selector(testid), timeout).await
    }

    async fn find(&self, testid: &str) -> Result<Element, String> {
        self.wait_for_testid(testid, Duration::from_secs(10)).await
    }

    /// What a person reads in the element: the value of a form field, else its text.
    async fn shown(element: &Element) -> Result<String, String> {
        let tag = element.tag_name().await.map_err(|e| e.to_string())?;
        if matches!(tag.as_str(), "input" | "textarea" | "select") {
            Ok(element
                .prop("value")
                .await
                .map_err(|e| e.to_string())?
                .unwrap_or_default())
        } else {
            element.text().await.map_err(|e| e.to_string())
        }
    }

    /// Waits until the element shows `needle`; the error tells what it showed instead.
    pub async fn wait_for_text(
        &self,
        testid: &str,
        needle: &str,
        timeout: Duration,
    ) -> Result<(), String> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut last = String::from("(element never appeared)");
        loop {
            if let Ok(element) = self.client.find(Locator::Css(&selector(testid))).await
                && let Ok(text) = Self::shown(&element).await
            {
                if text.contains(needle) {
                    return Ok(());
                }
                last = text;
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(format!(
                    "[data-testid={testid}] did not show {needle:?} within {timeout:?}; it showed: {last:?}"
                ));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the element's attribute is exactly `expected`; the error tells what it was.
    pub async fn wait_for_attribute(
        &self,
        testid: &str,
        name: &str,
        expected: &str,
        timeout: Duration,
    ) -> Result<(), String> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut last = None;
        loop {
            if let Ok(element) = self.client.find(Locator::Css(&selector(testid))).await {
                last = element.attr(name).await.ok().flatten();
                if last.as_deref() == Some(expected) {
                    return Ok(());
                }
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(format!(
                    "[data-testid={testid}] {name} was not {expected:?} within {timeout:?}; it was {last:?}"
                ));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the element shows exactly `expected` (trimmed): a count, where "10" holds
    /// "1", or a state word, where "disconnected" holds "connected".
    pub async fn wait_for_exact(
        &self,
        testid: &str,
        expected: &str,
        timeout: Duration,
    ) -> Result<(), String> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut last = String::from("(element never appeared)");
        loop {
            if let Ok(element) = self.client.find(Locator::Css(&selector(testid))).await
                && let Ok(text) = Self::shown(&element).await
            {
                if text.trim() == expected {
                    return Ok(());
                }
                last = text;
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(format!(
                    "[data-testid={testid}] did not show exactly {expected:?} within {timeout:?}; it showed: {last:?}"
                ));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The element's text.
    pub async fn text_of(&self, testid: &str) -> Result<String, String> {
        self.find(testid)
            .await?
            .text()
            .await
            .map_err(|e| e.to_string())
    }

    /// A form field's value.
    pub async fn value_of(&self, testid: &str) -> Result<String, String> {
        let element = self.find(testid).await?;
        Ok(element
            .prop("value")
            .await
            .map_err(|e| e.to_string())?
            .unwrap_or_default())
    }

    /// Runs a script in the page and returns what it returns (`return …;`).
    pub async fn eval(&self, script: &str) -> Result<Value, String> {
        self.client
            .execute(script, Vec::new())
            .await
            .map_err(|e| format!("script failed: {e}"))
    }

    /// All the text inside the element, scrolled out of view or not (`textContent`).
    pub async fn all_text_of(&self, testid: &str) -> Result<String, String> {
        let element = self.find(testid).await?;
        let element_arg = serde_json::to_value(&element).map_err(|e| e.to_string())?;
        let value = self
            .client
            .execute("return arguments[0].textContent;", vec![element_arg])
            .await
            .map_err(|e| format!("read {testid}: {e}"))?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    /// An attribute of the element, `None` when it is absent.
    pub async fn attribute_of(&self, testid: &str, name: &str) -> Result<Option<String>, String> {
        self.find(testid)
            .await?
            .attr(name)
            .await
            .map_err(|e| e.to_string())
    }

    /// Replaces a form field's value the way typing does (`input` and `change` fire).
    pub async fn set_value(&self, testid: &str, text: &str) -> Result<(), String> {
        let element = self.find(testid).await?;
        let script = r#"
            const [el, text] = arguments;
            const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype
                : el instanceof HTMLSelectElement ? HTMLSelectElement.prototype
                : HTMLInputElement.prototype;
            Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, text);
            el.dispatchEvent(new Event('input', { bubbles: true }));
            el.dispatchEvent(new Event('change', { bubbles: true }));
        "#;
        let element_arg = serde_json::to_value(&element).map_err(|e| e.to_string())?;
        self.client
            .execute(script, vec![element_arg, Value::String(text.into())])
            .await
            .map_err(|e| format!("set {testid}: {e}"))?;
        Ok(())
    }

    /// Clicks the element like a person (WebDriver pointer click).
    pub async fn click(&self, testid: &str) -> Result<(), String> {
        self.find(testid)
            .await?
            .click()
            .await
            .map_err(|e| format!("click {testid}: {e}"))
    }

    /// Saves a PNG screenshot of the window.
    pub async fn screenshot(&self, path: &Path) -> Result<(), String> {
        let png = self.client.screenshot().await.map_err(|e| e.to_string())?;
        std::fs::write(path, png).map_err(|e| e.to_string())
    }

    /// Ends the WebDriver session and stops chromedriver.
    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill().await;
    }
}
