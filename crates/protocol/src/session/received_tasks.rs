//! 2025-11-25 tasks the client runs for the server, the client as receiver (S25
//! basic/utilities/tasks.mdx): declared as `tasks.requests.sampling.createMessage` and
//! `tasks.requests.elicitation.create` (with `list` and `cancel`), so a server may ask for a
//! sampling or an elicitation as a task. Such a request is answered at once with the task, and
//! waits in the person's queue like any other; the person's answer completes it (a refusal
//! fails it). The server polls `tasks/get`, lists with `tasks/list`, cancels with
//! `tasks/cancel`, and fetches the answer with `tasks/result`, which is held until there is one
//! ("Result Retrieval": it MUST block until the task is done).

use serde_json::{Value, json};

use super::ClientSession;
use super::inputs::ServerInput;
use crate::event::{CallId, Event, Gone, LogLevel};
use crate::jsonrpc;
use crate::model::{ErrorCode, RequestId};
use crate::task::{self, TaskStatus};

/// How often the server is told to poll (ms): the person's answer is what it waits for.
const POLL_MS: u64 = 1_000;
/// Finished tasks kept for the server to fetch, at most; the oldest finished go first.
const KEPT: usize = 100;

/// How a task the client runs ended: the request's result, or the JSON-RPC error it would
/// have had.
#[derive(Debug, Clone)]
enum Outcome {
    Result(Value),
    Error(ErrorCode, String),
}

#[derive(Debug)]
struct ReceivedTask {
    id: String,
    status: TaskStatus,
    message: &'static str,
    created_at: String,
    updated_at: String,
    ttl: Option<u64>,
    outcome: Option<Outcome>,
    /// `tasks/result` requests waiting for the outcome.
    fetching: Vec<RequestId>,
}

#[derive(Debug, Default)]
pub(super) struct ReceivedTasks {
    next: u64,
    tasks: Vec<ReceivedTask>,
    /// The wall clock (ms since the Unix epoch) when the session's clock read 0.
    pub wall_at_zero: u64,
}

impl ReceivedTask {
    fn state(&self) -> Value {
        json!({
            "taskId": self.id,
            "status": self.status.as_str(),
            "statusMessage": self.message,
            "createdAt": self.created_at,
            "lastUpdatedAt": self.updated_at,
            "ttl": self.ttl,
            "pollInterval": POLL_MS,
        })
    }
}

impl ClientSession {
    /// Whether the session declared that it runs tasks (2025-11-25 sessions only).
    pub(super) fn runs_tasks(&self) -> bool {
        self.link.protocol_version.as_deref() == Some("2025-11-25")
    }

    fn wall_now(&self) -> String {
        crate::time::iso8601(self.received.wall_at_zero + self.now)
    }

    /// A server request asked to run as a task (`ttl` as asked): the task is created and
    /// the request answered with it at once; the person's answer goes to the task.
    pub(super) fn accept_task(
        &mut self,
        id: &RequestId,
        what: &str,
        ttl: Option<u64>,
        call: Option<CallId>,
        related: Option<String>,
    ) -> ServerInput {
        self.received.next += 1;
        let task_id = format!("mcp-desk-task-{}", self.received.next);
        let now = self.wall_now();
        let created = ReceivedTask {
            id: task_id.clone(),
            status: TaskStatus::Working,
            message: "Waiting for the person's review",
            created_at: now.clone(),
            updated_at: now,
            ttl,
            outcome: None,
            fetching: Vec::new(),
        };
        let mut result = json!({ "task": created.state() });
        // A request of one of the server's own tasks: its answer says so too.
        if let Some(related) = related {
            result = task::mark_related(result, &related);
        }
        let body = jsonrpc::result(id, result);
        self.received.tasks.push(created);
        self.forget_old_tasks();
        self.log(
            LogLevel::Info,
            format!("The server asked for {what} as a task; it runs as {task_id}"),
        );
        self.send_reply(body, format!("task for {what} request {id}"));
        ServerInput::Task {
            task: task_id,
            call,
        }
    }

    /// Keeps at most [`KEPT`] finished tasks (the server may delete them after their `ttl`
    /// anyway: "TTL and Resource Management").
    fn forget_old_tasks(&mut self) {
        let finished = self
            .received
            .tasks
            .iter()
            .filter(|t| t.status.is_terminal())
            .count();
        if finished > KEPT
            && let Some(at) = self
                .received
                .tasks
                .iter()
                .position(|t| t.status.is_terminal())
        {
            self.received.tasks.remove(at);
        }
    }

    /// The person answered (or refused) the request task `id` runs: the task is done, and
    /// the `tasks/result` requests waiting for it are answered.
    pub(super) fn task_answered(&mut self, id: &str, result: Result<Value, (ErrorCode, &str)>) {
        let (outcome, status, message) = match result {
            Ok(value) => (
                Outcome::Result(task::mark_related(value, id)),
                TaskStatus::Completed,
                "Answered",
            ),
            Err((code, text)) => (
                Outcome::Error(code, text.to_owned()),
                TaskStatus::Failed,
                "Refused",
            ),
        };
        self.finish_task(id, status, message, outcome);
    }

    fn finish_task(
        &mut self,
        id: &str,
        status: TaskStatus,
        message: &'static str,
        outcome: Outcome,
    ) {
        let now = self.wall_now();
        let Some(task) = self.received.tasks.iter_mut().find(|t| t.id == id) else {
            return;
        };
        if task.status.is_terminal() {
            return;
        }
        task.status = status;
        task.message = message;
        task.updated_at = now;
        task.outcome = Some(outcome.clone());
        let waiting = std::mem::take(&mut task.fetching);
        self.log(LogLevel::Info, format!("Task {id} is {}", status.as_str()));
        for request in waiting {
            self.send_outcome(&request, &outcome);
        }
    }

    fn send_outcome(&mut self, request: &RequestId, outcome: &Outcome) {
        let body = match outcome {
            Outcome::Result(value) => jsonrpc::result(request, value.clone()),
            Outcome::Error(code, text) => jsonrpc::error(request, *code, text),
        };
        self.send_reply(body, format!("answer to tasks/result {request}"));
    }

    /// The request task `id` runs left the queue unanswered (its tool call ended or was
    /// cancelled): the task is cancelled, and whoever waits for its result hears so.
    pub(super) fn task_dropped(&mut self, id: &str) {
        self.finish_task(
            id,
            TaskStatus::Cancelled,
            "Its tool call ended before the person answered",
            Outcome::Error(ErrorCode::INVALID_REQUEST, "The task was cancelled".into()),
        );
    }

    /// `tasks/get`, `tasks/result`, `tasks/list` or `tasks/cancel` from the server.
    pub(super) fn on_task_request(&mut self, id: &RequestId, method: &str, params: &Value) {
        // Every task fits one page: a cursor can only be one the client never gave.
        if method == "tasks/list" && params.get("cursor").is_some_and(|c| !c.is_null()) {
            let body = jsonrpc::error(id, ErrorCode::INVALID_PARAMS, "No such cursor");
            return self.send_reply(body, format!("refusal of tasks/list {id}"));
        }
        if method == "tasks/list" {
            let tasks: Vec<Value> = self
                .received
                .tasks
                .iter()
                .map(ReceivedTask::state)
                .collect();
            let body = jsonrpc::result(id, json!({ "tasks": tasks }));
            return self.send_reply(body, format!("answer to tasks/list {id}"));
        }
        let task_id = params.get("taskId").and_then(Value::as_str).unwrap_or("");
        let Some(at) = self.received.tasks.iter().position(|t| t.id == task_id) else {
            let body = jsonrpc::error(
                id,
                ErrorCode::INVALID_PARAMS,
                &format!("No task {task_id:?} here"),
            );
            return self.send_reply(body, format!("refusal of {method} {id}"));
        };
        let task = &mut self.received.tasks[at];
        let body = match method {
            "tasks/get" => jsonrpc::result(id, task.state()),
            "tasks/result" => match task.outcome.clone() {
                Some(outcome) => return self.send_outcome(id, &outcome),
                // Held until the person answers.
                None => return task.fetching.push(id.clone()),
            },
            // "Task Cancellation": a task already done MUST be refused with -32602.
            _ if task.status.is_terminal() => jsonrpc::error(
                id,
                ErrorCode::INVALID_PARAMS,
                &format!("Task {task_id} is already {}", task.status.as_str()),
            ),
            _ => {
                let task_id = task_id.to_owned();
                self.finish_task(
                    &task_id,
                    TaskStatus::Cancelled,
                    "Cancelled by the server",
                    Outcome::Error(ErrorCode::INVALID_REQUEST, "The task was cancelled".into()),
                );
                self.drop_task_input(&task_id);
                jsonrpc::result(id, self.received.tasks[at].state())
            }
        };
        self.send_reply(body, format!("answer to {method} {id}"));
    }

    /// The request a cancelled task ran leaves the queue.
    fn drop_task_input(&mut self, task_id: &str) {
        let found = self
            .inputs
            .waiting
            .iter()
            .find(|(_, (_, i))| matches!(i, ServerInput::Task { task, .. } if task == task_id))
            .map(|(k, _)| *k);
        if let Some(input) = found {
            // The call it paused works again: its clock starts again from now.
            if let Some((_, gone)) = self.inputs.waiting.remove(&input) {
                self.input_left(&gone);
            }
            self.events.push_back(Event::InputGone {
                input,
                reason: Gone::ServerCancelled(Some(format!("it cancelled task {task_id}"))),
            });
        }
    }

    /// The session ended: its tasks go with it.
    pub(super) fn forget_received_tasks(&mut self) {
        self.received.tasks.clear();
    }
}
