//! Splits a sampling round trip into the page's own work and the browser's network, for the
//! round-trip bench: a script wraps the page's `fetch` and its stream reads with timestamps;
//! the page's work is the time from the read that brought a request to the `fetch` that
//! sends its answer, the rest is the browser carrying the answer out and the next request in.

use serde_json::Value;

/// Run in the page before the bench starts; `window.__mcpDeskTimeline` then holds
/// `[kind, time_ms, detail]` rows: `"read"` (bytes read, -1 at the end of a body) and
/// `"fetch"` (a request leaves). `performance.now()` is coarsened to 0.1 ms in a page that is
/// not cross-origin isolated, so single rows are that coarse; medians of many are not.
pub const WATCH_SCRIPT: &str = r#"
const timeline = (window.__mcpDeskTimeline = []);
const read = ReadableStreamDefaultReader.prototype.read;
ReadableStreamDefaultReader.prototype.read = function () {
  return read.call(this).then((step) => {
    timeline.push(["read", performance.now(), step.value ? step.value.length : -1]);
    return step;
  });
};
const fetch = window.fetch;
window.fetch = function (...args) {
  timeline.push(["fetch", performance.now(), 0]);
  return fetch.apply(this, args);
};
return true;
"#;

/// Reads the timeline back.
pub const READ_SCRIPT: &str = "return window.__mcpDeskTimeline || [];";

/// The two parts of each round trip seen in a timeline, in milliseconds.
#[derive(Debug, Default, PartialEq)]
pub struct Split {
    /// From the read that brought a request to the fetch of its answer.
    pub page: Vec<f64>,
    /// From that fetch to the next read that brought bytes.
    pub network: Vec<f64>,
}

/// Pairs each `fetch` with the last read of bytes before it (the request it answers), and
/// each read of bytes with the `fetch` before it. Reads that end a body carry no request.
pub fn split(timeline: &Value) -> Split {
    let mut out = Split::default();
    let (mut last_read, mut last_fetch) = (None::<f64>, None::<f64>);
    for row in timeline.as_array().into_iter().flatten() {
        let (Some(kind), Some(at), Some(detail)) =
            (row[0].as_str(), row[1].as_f64(), row[2].as_f64())
        else {
            continue;
        };
        match kind {
            "read" if detail > 0.0 => {
                if let Some(sent) = last_fetch.take() {
                    out.network.push(at - sent);
                }
                last_read = Some(at);
            }
            "fetch" => {
                if let Some(read) = last_read.take() {
                    out.page.push(at - read);
                }
                last_fetch = Some(at);
            }
            _ => {}
        }
    }
    out
}

/// The value below which `share` (0..=1) of the samples fall.
pub fn percentile(samples: &[f64], share: f64) -> f64 {
    if samples.is_empty() {
        return f64::NAN;
    }
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = ((sorted.len() - 1) as f64 * share).round() as usize;
    sorted[rank]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_answer_is_timed_from_the_read_that_brought_its_request() {
        let timeline = json!([
            ["fetch", 10.0, 0],  // the tool call
            ["read", 14.0, 250], // its stream: the first request
            ["fetch", 14.5, 0],  // the answer
            ["read", 16.0, -1],  // the answer's empty 202 body ends
            ["read", 17.0, 40],  // a keep-alive comment...
            ["read", 18.0, 223], // ...then the next request
            ["fetch", 18.25, 0], // its answer
            ["read", 20.25, 223],
        ]);
        let split = split(&timeline);
        assert_eq!(split.page, [0.5, 0.25]);
        // Tool call → first request, answer → next bytes, answer → next request.
        assert_eq!(split.network, [4.0, 2.5, 2.0]);
    }

    #[test]
    fn percentiles_pick_from_the_sorted_samples() {
        let samples = [5.0, 1.0, 3.0, 2.0, 4.0];
        assert_eq!(percentile(&samples, 0.5), 3.0);
        assert_eq!(percentile(&samples, 0.95), 5.0);
        assert!(percentile(&[], 0.5).is_nan());
    }
}
