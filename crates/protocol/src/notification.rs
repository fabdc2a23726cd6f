//! The params of the notifications a server sends — a log line, progress, a cancellation —
//! read from JSON by hand. rmcp has types for all three (`LoggingMessageNotificationParam`,
//! `ProgressNotificationParam`, `CancelledNotificationParam`), but decoding them costs the page
//! 4.3 KB gzip together (measured; see the README's Performance), for six fields.

use serde_json::Value;

use crate::event::LogLevel;
use crate::jsonrpc::request_id;
use crate::model::RequestId;

/// `notifications/message` (2025-06-18, server/utilities/logging "Log Message Notifications").
#[derive(Debug, Clone, PartialEq)]
pub struct LogMessage {
    pub level: LogLevel,
    /// `data` as text (a string as it is, anything else as JSON), after `[logger] ` if named.
    pub text: String,
}

/// A log message, or `None` when the level is not one of MCP's eight or there is no `data`.
pub fn log_message(params: &Value) -> Option<LogMessage> {
    let level = match params.get("level")?.as_str()? {
        "debug" => LogLevel::Debug,
        "info" | "notice" => LogLevel::Info,
        "warning" => LogLevel::Warning,
        "error" | "critical" | "alert" | "emergency" => LogLevel::Error,
        _ => return None,
    };
    let data = match params.get("data")? {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let text = match params.get("logger").and_then(Value::as_str) {
        Some(logger) => format!("[{logger}] {data}"),
        None => data,
    };
    Some(LogMessage { level, text })
}

/// `notifications/progress` (2025-06-18, basic/utilities/progress).
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    /// The token, when it is a non-negative integer (the client only hands out those).
    pub token: Option<u64>,
    pub progress: f64,
    pub total: Option<f64>,
    pub message: Option<String>,
}

/// Progress, or what is wrong with it.
pub fn progress(params: &Value) -> Result<Progress, &'static str> {
    let token = match params.get("progressToken") {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(_)) => None,
        _ => return Err("it has no progressToken (a string or an integer)"),
    };
    let progress = params
        .get("progress")
        .and_then(Value::as_f64)
        .ok_or("its progress is not a number")?;
    let total = match params.get("total") {
        None | Some(Value::Null) => None,
        Some(total) => Some(total.as_f64().ok_or("its total is not a number")?),
    };
    let message = match params.get("message") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err("its message is not a string"),
    };
    Ok(Progress {
        token,
        progress,
        total,
        message,
    })
}

/// `notifications/cancelled` (2025-06-18, basic/utilities/cancellation).
#[derive(Debug, Clone, PartialEq)]
pub struct Cancelled {
    /// The request cancelled (2025-11-25 lets a task's cancellation leave it out).
    pub request_id: Option<RequestId>,
    pub reason: Option<String>,
}

/// A cancellation, or what is wrong with it.
pub fn cancelled(params: &Value) -> Result<Cancelled, &'static str> {
    let request_id = match params.get("requestId") {
        None | Some(Value::Null) => None,
        Some(id) => Some(request_id(id).ok_or("its requestId is neither a string nor an integer")?),
    };
    let reason = match params.get("reason") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err("its reason is not a string"),
    };
    Ok(Cancelled { request_id, reason })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_log_message_names_its_logger_and_keeps_json_data_as_json() {
        let named = log_message(&json!({"level": "notice", "logger": "db", "data": "up"}));
        assert_eq!(
            named,
            Some(LogMessage {
                level: LogLevel::Info,
                text: "[db] up".into()
            })
        );
        let json_data = log_message(&json!({"level": "alert", "data": {"a": 1}}));
        assert_eq!(
            json_data,
            Some(LogMessage {
                level: LogLevel::Error,
                text: r#"{"a":1}"#.into()
            })
        );
        assert_eq!(log_message(&json!({"level": "loud", "data": "x"})), None);
        assert_eq!(log_message(&json!({"level": "info"})), None);
    }

    #[test]
    fn progress_reads_numbers_and_refuses_what_is_not_one() {
        assert_eq!(
            progress(&json!({"progressToken": 3, "progress": 1.5, "total": 4, "message": "m"})),
            Ok(Progress {
                token: Some(3),
                progress: 1.5,
                total: Some(4.0),
                message: Some("m".into())
            })
        );
        assert_eq!(
            progress(&json!({"progressToken": "t", "progress": 1})).map(|p| p.token),
            Ok(None)
        );
        assert_eq!(
            progress(&json!({"progressToken": 3, "progress": "1"})),
            Err("its progress is not a number")
        );
        assert_eq!(
            progress(&json!({"progress": 1})),
            Err("it has no progressToken (a string or an integer)")
        );
        assert_eq!(
            progress(&json!({"progressToken": 3, "progress": 1, "total": "2"})),
            Err("its total is not a number")
        );
    }

    #[test]
    fn a_cancellation_may_leave_out_its_request() {
        assert_eq!(
            cancelled(&json!({"requestId": "a", "reason": "late"})),
            Ok(Cancelled {
                request_id: Some(RequestId::String("a".into())),
                reason: Some("late".into())
            })
        );
        assert_eq!(
            cancelled(&json!({})),
            Ok(Cancelled {
                request_id: None,
                reason: None
            })
        );
        assert_eq!(
            cancelled(&json!({"requestId": true})),
            Err("its requestId is neither a string nor an integer")
        );
    }
}
