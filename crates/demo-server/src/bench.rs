//! The demo server's bench mode for `cargo xtask bench`: `bench_sampling {count}` sends
//! `count` sampling requests one after another on the call's stream (2025-11-25 and older)
//! and times each round trip on the server's side, so the client's share can be compared.
//! With `"at_once": true` it sends them all together (a burst) and counts how each ended, so
//! a lost request shows as a missing answer.
// rmcp marks its sampling types deprecated (SEP-2577); this server exists to ask for sampling.
#![allow(deprecated)]

use std::sync::Arc;
use std::time::Instant;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock,
    CreateMessageRequestParams, ErrorData, SamplingMessage, Tool,
};
use rmcp::service::{RequestContext, RoleServer};
use serde_json::{Value, json};

pub const NAME: &str = "bench_sampling";
const MAX_COUNT: u64 = 10_000;

pub fn tool() -> Tool {
    let Value::Object(schema) = json!({
        "type": "object",
        "properties": {
            "count": {"type": "integer", "description": "How many sampling requests to time (1–10000)"},
            "at_once": {"type": "boolean", "description": "Send them all together instead of one after another"}
        },
        "required": ["count"]
    }) else {
        unreachable!("a JSON object literal")
    };
    Tool::new(
        NAME,
        "Times `count` sequential sampling round trips (for benchmarks); answers with p50/p95 in ms.",
        Arc::new(schema),
    )
}

/// The `q`-quantile (0..1) of sorted values.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let at = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[at.min(sorted.len() - 1)]
}

pub async fn call(
    request: &CallToolRequestParams,
    context: &RequestContext<RoleServer>,
) -> Result<CallToolResponse, ErrorData> {
    let count = request
        .arguments
        .as_ref()
        .and_then(|a| a.get("count"))
        .and_then(Value::as_u64)
        .filter(|n| (1..=MAX_COUNT).contains(n))
        .ok_or_else(|| {
            ErrorData::invalid_params(
                format!("bench_sampling needs {{\"count\": 1..{MAX_COUNT}}}"),
                None,
            )
        })?;
    let at_once = request
        .arguments
        .as_ref()
        .and_then(|a| a.get("at_once"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if at_once {
        return burst(count, context).await;
    }
    let mut times = Vec::with_capacity(count as usize);
    for i in 0..count {
        let ask = CreateMessageRequestParams::new(
            vec![SamplingMessage::user_text(format!(
                "Bench request {i}. Answer briefly."
            ))],
            16,
        );
        let start = Instant::now();
        if let Err(e) = context.peer.create_message(ask).await {
            return Ok(CallToolResult::error(vec![ContentBlock::text(format!(
                "Sampling failed after {i} round trips: {e}"
            ))])
            .into());
        }
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let summary = json!({
        "count": count,
        "p50_ms": quantile(&times, 0.5),
        "p95_ms": quantile(&times, 0.95),
    });
    Ok(CallToolResult::success(vec![ContentBlock::text(summary.to_string())]).into())
}

/// `count` requests together; the answer says how many were answered, refused by the client
/// (a JSON-RPC error, e.g. a person's rejection or a throttle) or failed otherwise.
async fn burst(
    count: u64,
    context: &RequestContext<RoleServer>,
) -> Result<CallToolResponse, ErrorData> {
    let asks = (0..count).map(|i| {
        let peer = context.peer.clone();
        async move {
            let ask = CreateMessageRequestParams::new(
                vec![SamplingMessage::user_text(format!(
                    "Burst request {i}. Answer briefly."
                ))],
                16,
            );
            let start = Instant::now();
            let outcome = peer.create_message(ask).await;
            (outcome, start.elapsed().as_secs_f64() * 1000.0)
        }
    });
    let (mut answered, mut refused, mut failures) = (0u64, 0u64, Vec::new());
    let mut times = Vec::with_capacity(count as usize);
    for (outcome, ms) in futures_util::future::join_all(asks).await {
        times.push(ms);
        match outcome {
            Ok(_) => answered += 1,
            Err(rmcp::ServiceError::McpError(_)) => refused += 1,
            Err(e) => failures.push(e.to_string()),
        }
    }
    times.sort_by(f64::total_cmp);
    let failed = failures.len();
    failures.truncate(3);
    let summary = json!({
        "count": count,
        "answered": answered,
        "refused": refused,
        "failed": failed,
        "first_failures": failures,
        "p50_ms": quantile(&times, 0.5),
        "p95_ms": quantile(&times, 0.95),
    });
    Ok(CallToolResult::success(vec![ContentBlock::text(summary.to_string())]).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_of_sorted_times() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(quantile(&v, 0.5), 51.0);
        assert_eq!(quantile(&v, 0.95), 95.0);
        assert!(quantile(&[], 0.5).is_nan());
    }
}
