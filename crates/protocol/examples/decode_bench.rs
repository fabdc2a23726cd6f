//! Decode throughput, for `cargo xtask bench`: a recorded-style 10 MB SSE stream of mixed MCP
//! messages through the SSE decoder and JSON-RPC classification, against `serde_json` parsing
//! the same payloads already cut out. Prints one JSON line. Run in release.

use std::hint::black_box;
use std::time::{Duration, Instant};

use mcp_desk_protocol::jsonrpc;
use mcp_desk_protocol::sse::SseDecoder;
use serde_json::json;

const TARGET_BYTES: usize = 10 * 1024 * 1024;
const CHUNK: usize = 16 * 1024;
const RUNS: usize = 5;

fn messages() -> Vec<String> {
    let draft = "MCP servers can ask the client's model for help. ".repeat(40);
    vec![
        json!({"jsonrpc": "2.0", "method": "notifications/progress", "params": {"progressToken": 7, "progress": 3, "total": 10, "message": "step 3"}}).to_string(),
        json!({"jsonrpc": "2.0", "method": "notifications/message", "params": {"level": "info", "logger": "bench", "data": "Indexed 1200 documents in 3.2 s"}}).to_string(),
        json!({"jsonrpc": "2.0", "id": 41, "method": "sampling/createMessage", "params": {
            "messages": [{"role": "user", "content": {"type": "text", "text": draft}}],
            "systemPrompt": "You write concise abstracts.", "maxTokens": 200,
            "modelPreferences": {"hints": [{"name": "claude-3-5-sonnet"}], "intelligencePriority": 0.6}}}).to_string(),
        json!({"jsonrpc": "2.0", "id": 12, "result": {"content": [{"type": "text", "text": draft}], "isError": false}}).to_string(),
        json!({"jsonrpc": "2.0", "id": 13, "result": {"tools": (0..20).map(|i| json!({"name": format!("tool_{i}"), "description": "Does a thing", "inputSchema": {"type": "object", "properties": {"q": {"type": "string"}}}})).collect::<Vec<_>>()}}).to_string(),
    ]
}

fn main() {
    let kinds = messages();
    let mut stream = String::new();
    let mut payloads = Vec::new();
    let mut n = 0usize;
    while stream.len() < TARGET_BYTES {
        let m = &kinds[n % kinds.len()];
        stream.push_str(&format!("id: {n}\r\nevent: message\r\ndata: {m}\r\n\r\n"));
        payloads.push(m.as_bytes().to_vec());
        n += 1;
    }
    let bytes = stream.as_bytes();

    let best = |f: &dyn Fn() -> usize| -> Duration {
        (0..RUNS)
            .map(|_| {
                let start = Instant::now();
                let count = f();
                let took = start.elapsed();
                assert_eq!(count, n, "every message decoded");
                took
            })
            .min()
            .expect("runs")
    };
    let ours = best(&|| {
        let mut decoder = SseDecoder::new();
        let mut count = 0;
        for chunk in bytes.chunks(CHUNK) {
            for event in decoder.feed(chunk) {
                let decoded = jsonrpc::decode(&event.data).expect("valid JSON-RPC");
                count += black_box(decoded).len();
            }
        }
        count
    });
    let baseline = best(&|| {
        payloads
            .iter()
            .map(|p| {
                black_box(serde_json::from_slice::<serde_json::Value>(p).expect("valid JSON"));
                1
            })
            .sum()
    });
    let mb = bytes.len() as f64 / 1e6;
    let ours_mb_s = mb / ours.as_secs_f64();
    let baseline_mb_s = mb / baseline.as_secs_f64();
    println!(
        "{}",
        json!({
            "stream_bytes": bytes.len(),
            "messages": n,
            "ours_mb_s": ours_mb_s,
            "serde_json_mb_s": baseline_mb_s,
            "ratio": ours_mb_s / baseline_mb_s,
        })
    );
}
