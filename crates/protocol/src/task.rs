//! 2025-11-25 tasks as they travel (S25 basic/utilities/tasks.mdx), read from JSON by hand:
//! which tools must be called as a task, a `CreateTaskResult` (`{"task": {…}}`), a `tasks/get`
//! answer, and the `related-task` mark that ties a server request to its task. rmcp 3.11 models
//! the later tasks extension (SEP-2663: `resultType: "task"`, `ttlMs`, `pollIntervalMs`), whose
//! wire differs from 2025-11-25's `ttl` and `pollInterval`, so its types cannot read these.

use serde_json::Value;

/// The `_meta` key that ties a request, notification or response to its task.
pub const RELATED_TASK: &str = "io.modelcontextprotocol/related-task";

/// How often to poll a task whose server suggests nothing (ms).
pub const DEFAULT_POLL_MS: u64 = 1_000;
/// Polling is never faster than this, whatever the server suggests (ms).
pub const MIN_POLL_MS: u64 = 250;
/// Polling is never slower than this, so a person sees the task move (ms).
pub const MAX_POLL_MS: u64 = 30_000;

/// Where a task stands (S25 basic/utilities/tasks.mdx "Task Status Lifecycle").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskStatus {
    Working,
    InputRequired,
    Completed,
    Failed,
    Cancelled,
}

impl TaskStatus {
    fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "working" => TaskStatus::Working,
            "input_required" => TaskStatus::InputRequired,
            "completed" => TaskStatus::Completed,
            "failed" => TaskStatus::Failed,
            "cancelled" => TaskStatus::Cancelled,
            _ => return None,
        })
    }

    /// As the spec spells it (the page's `data-state`).
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Working => "working",
            TaskStatus::InputRequired => "input_required",
            TaskStatus::Completed => "completed",
            TaskStatus::Failed => "failed",
            TaskStatus::Cancelled => "cancelled",
        }
    }

    /// `completed`, `failed` and `cancelled` never change again.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            TaskStatus::Completed | TaskStatus::Failed | TaskStatus::Cancelled
        )
    }

    /// Whether the result is worth fetching now: the task is done, or it needs input, which
    /// the server delivers on the `tasks/result` stream ("Input Required Status": the
    /// requestor SHOULD preemptively call `tasks/result`).
    pub fn wants_result(self) -> bool {
        self.is_terminal() || self == TaskStatus::InputRequired
    }
}

/// A task as the server reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskState {
    pub id: String,
    pub status: TaskStatus,
    pub message: Option<String>,
    /// How often the server suggests polling, clamped to [`MIN_POLL_MS`]..=[`MAX_POLL_MS`].
    pub poll_ms: u64,
}

/// A `Task` object (a `tasks/get` result, or the `task` of a `CreateTaskResult`).
pub fn decode(task: &Value) -> Result<TaskState, String> {
    let id = task
        .get("taskId")
        .and_then(Value::as_str)
        .ok_or("it has no taskId string")?;
    let status = task
        .get("status")
        .and_then(Value::as_str)
        .ok_or("it has no status")?;
    let status =
        TaskStatus::parse(status).ok_or_else(|| format!("its status {status:?} is unknown"))?;
    let poll_ms = task
        .get("pollInterval")
        .and_then(Value::as_u64)
        .unwrap_or(DEFAULT_POLL_MS)
        .clamp(MIN_POLL_MS, MAX_POLL_MS);
    Ok(TaskState {
        id: id.to_owned(),
        status,
        message: task
            .get("statusMessage")
            .and_then(Value::as_str)
            .map(str::to_owned),
        poll_ms,
    })
}

/// A `tools/call` result that is a `CreateTaskResult`: the task it started.
pub fn created(result: &Value) -> Option<Result<TaskState, String>> {
    result.get("task").filter(|t| t.is_object()).map(decode)
}

/// The task a server request says it belongs to (`_meta` `related-task`).
pub fn related(params: &Value) -> Option<&str> {
    params
        .get("_meta")?
        .get(RELATED_TASK)?
        .get("taskId")?
        .as_str()
}

/// `result` with the `related-task` mark for `task` ("Associating Task-Related Messages":
/// responses related to a task MUST carry it).
pub fn mark_related(mut result: Value, task: &str) -> Value {
    if let Value::Object(fields) = &mut result {
        let meta = fields
            .entry("_meta")
            .or_insert_with(|| Value::Object(Default::default()));
        if let Value::Object(meta) = meta {
            meta.insert(
                RELATED_TASK.to_owned(),
                serde_json::json!({ "taskId": task }),
            );
        }
    }
    result
}

/// The names of the tools in a `tools/list` result that MUST be called as a task
/// (`execution.taskSupport: "required"`, "Tool-Level Negotiation"). Tools that merely allow
/// it (`"optional"`) are called as plain requests.
pub fn required_by(tools_page: &Value) -> Vec<String> {
    let Some(tools) = tools_page.get("tools").and_then(Value::as_array) else {
        return Vec::new();
    };
    tools
        .iter()
        .filter(|t| t.pointer("/execution/taskSupport").and_then(Value::as_str) == Some("required"))
        .filter_map(|t| t.get("name").and_then(Value::as_str).map(str::to_owned))
        .collect()
}

/// The `task` a server request asks to run as (`params.task`), with the `ttl` it asked for:
/// `None` when it asks for none.
pub fn asked(params: &Value) -> Option<Option<u64>> {
    let task = params.get("task").filter(|t| t.is_object())?;
    // A whole number of ms written as a float (`60000.0`) is still that many ms.
    let ttl = task.get("ttl").and_then(|t| {
        t.as_u64()
            .or_else(|| t.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))
    });
    Some(ttl)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_request_asks_to_run_as_a_task_with_or_without_a_ttl() {
        assert_eq!(asked(&json!({"task": {"ttl": 60000}})), Some(Some(60000)));
        assert_eq!(asked(&json!({"task": {}})), Some(None));
        assert_eq!(asked(&json!({"task": {"ttl": 60000.0}})), Some(Some(60000)));
        assert_eq!(asked(&json!({"messages": []})), None);
    }

    #[test]
    fn a_created_task_is_read_with_its_poll_interval() {
        let result = json!({"task": {
            "taskId": "t-1", "status": "working", "statusMessage": "Started",
            "createdAt": "2025-11-25T10:30:00Z", "lastUpdatedAt": "2025-11-25T10:30:00Z",
            "ttl": 60000, "pollInterval": 5000
        }});
        assert_eq!(
            created(&result),
            Some(Ok(TaskState {
                id: "t-1".into(),
                status: TaskStatus::Working,
                message: Some("Started".into()),
                poll_ms: 5000,
            }))
        );
    }

    #[test]
    fn a_plain_tool_result_is_no_task() {
        assert_eq!(created(&json!({"content": []})), None);
        assert_eq!(created(&json!({"task": "t-1"})), None);
    }

    #[test]
    fn polling_keeps_within_its_bounds() {
        let at = |interval: Value| {
            decode(&json!({"taskId": "t", "status": "working", "pollInterval": interval}))
                .map(|t| t.poll_ms)
        };
        assert_eq!(at(json!(1)), Ok(MIN_POLL_MS));
        assert_eq!(at(json!(3_600_000)), Ok(MAX_POLL_MS));
        assert_eq!(at(Value::Null), Ok(DEFAULT_POLL_MS));
        assert_eq!(at(json!(-5)), Ok(DEFAULT_POLL_MS));
    }

    #[test]
    fn a_task_without_an_id_or_with_an_unknown_status_is_refused() {
        assert_eq!(
            decode(&json!({"status": "working"})),
            Err("it has no taskId string".into())
        );
        assert_eq!(
            decode(&json!({"taskId": "t", "status": "paused"})),
            Err("its status \"paused\" is unknown".into())
        );
    }

    #[test]
    fn the_result_is_fetched_once_input_is_needed_or_the_task_is_done() {
        let wants: Vec<bool> = [
            TaskStatus::Working,
            TaskStatus::InputRequired,
            TaskStatus::Completed,
            TaskStatus::Failed,
            TaskStatus::Cancelled,
        ]
        .map(TaskStatus::wants_result)
        .into();
        assert_eq!(wants, [false, true, true, true, true]);
    }

    #[test]
    fn only_tools_that_require_a_task_are_called_as_one() {
        let page = json!({"tools": [
            {"name": "research", "execution": {"taskSupport": "required"}},
            {"name": "maybe", "execution": {"taskSupport": "optional"}},
            {"name": "never", "execution": {"taskSupport": "forbidden"}},
            {"name": "plain"}
        ]});
        assert_eq!(required_by(&page), ["research"]);
    }

    #[test]
    fn a_related_request_is_traced_to_its_task_and_its_answer_marked() {
        let params = json!({"_meta": {RELATED_TASK: {"taskId": "t-9"}}, "message": "Which?"});
        assert_eq!(related(&params), Some("t-9"));
        assert_eq!(related(&json!({"message": "Which?"})), None);
        assert_eq!(
            mark_related(json!({"action": "decline"}), "t-9"),
            json!({"action": "decline", "_meta": {RELATED_TASK: {"taskId": "t-9"}}})
        );
    }
}
