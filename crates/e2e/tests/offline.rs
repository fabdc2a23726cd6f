//! Usable on conference Wi-Fi: after one visit the page loads with its site gone (the service
//! worker serves this build from its cache) and still completes a sampling loop with the Mock
//! against a server on this machine.

use std::time::Duration;

use mcp_desk_e2e::{open_page_under, start_demo};

const WAIT: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_one_visit_the_page_loads_without_its_site_and_the_mock_still_answers() {
    let demo = start_demo().await;
    // Hosted as a project page is, under a path: the worker's scope and cache are that path's.
    let mut page = open_page_under("/mcp-desk/", &demo.url(), "mock").await;
    page.wait_for_connection("connected").await;
    // The service worker has cached the build and controls the page.
    let controlled = page
        .wait_for_script(
            "return navigator.serviceWorker.controller !== null;",
            &serde_json::json!(true),
        )
        .await;
    assert!(controlled.is_ok(), "no service worker took the page");
    let address = page
        .browser
        .eval("return location.host;")
        .await
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned();
    let url = page
        .browser
        .eval("return location.href;")
        .await
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned();

    // The network is gone: nothing answers where the page came from.
    page.stop_site();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        std::net::TcpStream::connect(&address).is_err(),
        "the site still answers at {address}"
    );
    assert!(url.contains("/mcp-desk/#"), "{url}");

    // Away and back: a whole new load, not a jump within the page.
    let b = &page.browser;
    b.goto("about:blank").await.unwrap();
    b.goto(&url).await.unwrap();
    b.wait_until_ready(WAIT).await.unwrap();
    page.wait_for_connection("connected").await;
    page.call_tool(
        "create_blog_post",
        &serde_json::json!({"title": "Offline", "draft": "The site is gone. The page is not."}),
    )
    .await;
    b.wait_for_testid("sampling-dialog", WAIT).await.unwrap();
    page.generate_and_approve(
        "Mock summary: The site is gone.",
        "Mock summary: The site is gone.",
    )
    .await;
    page.close().await;
}
