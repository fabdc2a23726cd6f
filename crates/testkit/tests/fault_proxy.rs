//! The fault proxy forwards what it should and injects exactly the fault each path names.

use mcp_desk_testkit::fault_proxy::{Fault, FaultProxy};
use serde_json::{Value, json};

/// An upstream that answers every POST with `{"echo": <method>}`.
async fn echo_upstream() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().fallback(|body: axum::body::Bytes| async move {
        let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        json!({"echo": request["method"]}).to_string()
    });
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/mcp")
}

async fn post(url: &str, method: &str) -> (u16, String) {
    let response = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .body(json!({"jsonrpc": "2.0", "id": 1, "method": method}).to_string())
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn forwards_untouched_paths_and_injects_named_faults() {
    let proxy = FaultProxy::start(echo_upstream().await).await.unwrap();

    let (status, body) = post(&proxy.url(Fault::None), "tools/call").await;
    assert_eq!((status, body.as_str()), (200, r#"{"echo":"tools/call"}"#));

    let (status, _) = post(&proxy.url(Fault::Status404), "initialize").await;
    assert_eq!(status, 404);

    let (status, body) = post(&proxy.url(Fault::Status500OnToolCall), "tools/list").await;
    assert_eq!((status, body.as_str()), (200, r#"{"echo":"tools/list"}"#));
    let (status, body) = post(&proxy.url(Fault::Status500OnToolCall), "tools/call").await;
    assert_eq!(status, 500);
    assert!(body.contains("internal failure"), "{body}");

    let (status, body) = post(&proxy.url(Fault::InvalidJsonOnToolCall), "tools/call").await;
    assert_eq!(status, 200);
    assert!(serde_json::from_str::<Value>(&body).is_err(), "{body}");

    let (status, body) = post(&proxy.url(Fault::CloseStreamOnToolCall), "tools/call").await;
    assert_eq!((status, body.as_str()), (200, "id: 1\ndata: \n\n"));
}
