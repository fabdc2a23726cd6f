//! The demo server's bench mode for `cargo xtask bench`: `bench_sampling {count}` sends
//! `count` sampling requests one after another on the call's stream (2025-11-25 and older)
//! and times each round trip on the server's side, so the client's share can be compared.

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
        "properties": {"count": {"type": "integer", "description": "How many sampling requests to time (1–10000)"}},
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
