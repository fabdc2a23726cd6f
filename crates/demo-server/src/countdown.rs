//! `count_slowly {seconds}`: a long call for the cancel path. It reports progress once a
//! second (`notifications/progress`, `total` = `seconds`) and finishes after `seconds`; a
//! client's `notifications/cancelled` stops it, and the server notes that it heard one, so a
//! test can check from the server's side that the cancellation arrived.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, ErrorData,
    ProgressNotificationParam, Tool,
};
use rmcp::service::{RequestContext, RoleServer};

pub const NAME: &str = "count_slowly";

/// What the demo server heard, shared by every session.
#[derive(Debug, Default)]
pub struct Heard {
    cancellations: AtomicUsize,
}

impl Heard {
    /// How many calls a client cancelled (`notifications/cancelled`) before they finished.
    pub fn cancellations(&self) -> usize {
        self.cancellations.load(Ordering::SeqCst)
    }
}

pub fn tool() -> Tool {
    let schema = serde_json::json!({
        "type": "object",
        "properties": {
            "seconds": {"type": "integer", "minimum": 1, "maximum": 600, "default": 5,
                        "description": "How long to count, one progress report a second"}
        }
    });
    let serde_json::Value::Object(schema) = schema else {
        unreachable!("a JSON object literal")
    };
    Tool::new(
        NAME,
        "Counts for a while, reporting progress each second; cancel it to see the server hear the cancellation.",
        Arc::new(schema),
    )
}

pub async fn call(
    request: &CallToolRequestParams,
    context: &RequestContext<RoleServer>,
    heard: &Heard,
) -> Result<CallToolResponse, ErrorData> {
    let seconds = request
        .arguments
        .as_ref()
        .and_then(|a| a.get("seconds"))
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(5)
        .clamp(1, 600);
    let token = context.meta.get_progress_token();
    for done in 1..=seconds {
        tokio::select! {
            _ = context.ct.cancelled() => {
                heard.cancellations.fetch_add(1, Ordering::SeqCst);
                return crate::tool_error("Cancelled by the client.");
            }
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
        if let Some(token) = &token {
            let progress = ProgressNotificationParam::new(token.clone(), done as f64)
                .with_total(seconds as f64);
            let _ = context.peer.notify_progress(progress).await;
        }
    }
    Ok(CallToolResult::success(vec![ContentBlock::text(format!("Counted to {seconds}."))]).into())
}
