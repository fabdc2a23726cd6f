//! 2025-11-25 task-augmented tool calls, the client as requestor (S25
//! basic/utilities/tasks.mdx): a tool whose `execution.taskSupport` is `required` is called
//! with a `task` on a server that offers `tasks.requests.tools.call`; the server answers with
//! the task, which the session polls with `tasks/get` at the server's `pollInterval`
//! ([`ClientSession::poll_timeout`] says when). Once the task needs input or is done, one
//! `tasks/result` fetches the call's result — the server delivers the task's requests
//! (an elicitation, say) on that request's stream, so they belong to the call like any other.
//! Cancelling sends `tasks/cancel` ("Cancellation": MUST be used instead of
//! `notifications/cancelled` for a task).

use serde_json::{Value, json};

use super::ClientSession;
use super::requests::Pending;
use crate::error::{Doing, Error, Failure};
use crate::event::{CallId, Event, Gone, LogLevel, RelatedCall};
use crate::task::{self, TaskState};

/// A tool call running as a task on the server.
#[derive(Debug)]
pub(super) struct RunningTask {
    pub related: RelatedCall,
    pub id: String,
    /// When to ask `tasks/get` next; `None` while a `tasks/get` is out, or once it is done.
    pub poll_at: Option<u64>,
    pub poll_ms: u64,
    /// Its `tasks/result` was sent.
    pub fetching: bool,
    /// The server reported it completed, failed or cancelled.
    pub done: bool,
}

#[derive(Debug, Default)]
pub(super) struct Tasks {
    /// Tools that must be called as a task (from the tool list).
    pub required: Vec<String>,
    /// A few at most: a list, which costs the page less than a map.
    pub running: Vec<RunningTask>,
}

impl Tasks {
    fn get_mut(&mut self, call: CallId) -> Option<&mut RunningTask> {
        self.running.iter_mut().find(|t| t.related.call == call)
    }

    /// Stops following call `call`'s task; the task, if there was one.
    pub fn remove(&mut self, call: CallId) -> Option<RunningTask> {
        let at = self.running.iter().position(|t| t.related.call == call)?;
        Some(self.running.swap_remove(at))
    }

    pub fn follows(&self, call: CallId) -> bool {
        self.running.iter().any(|t| t.related.call == call)
    }
}

impl ClientSession {
    /// Whether a call of `tool` goes as a task: the tool requires it and the server offers
    /// task-augmented `tools/call` ("Tool-Level Negotiation": without the capability, never).
    pub(super) fn calls_as_task(&self, tool: &str) -> bool {
        self.link.offers.task_calls && self.tasks.required.iter().any(|t| t == tool)
    }

    /// The server took the call as a task: poll it, or fetch its result at once.
    pub(super) fn task_created(
        &mut self,
        related: RelatedCall,
        created: Result<TaskState, String>,
    ) {
        let state = match created {
            Ok(state) => state,
            Err(e) => {
                self.call_ended(&related);
                return self.events.push_back(Event::ToolCallFailed {
                    call: related.call,
                    error: Error::new(
                        doing(&related),
                        Failure::Unusable(format!("the task it created is unusable: {e}")),
                    ),
                });
            }
        };
        self.log(
            LogLevel::Info,
            format!(
                "The server runs the call of {} as task {}",
                related.tool, state.id
            ),
        );
        let call = related.call;
        self.tasks.running.push(RunningTask {
            related,
            id: state.id.clone(),
            poll_at: None,
            poll_ms: state.poll_ms,
            fetching: false,
            done: false,
        });
        self.task_moved(call, state);
    }

    /// A task's state arrived: shown, then polled again later or its result fetched.
    fn task_moved(&mut self, call: CallId, state: TaskState) {
        let now = self.now;
        let Some(running) = self.tasks.get_mut(call) else {
            return;
        };
        running.poll_ms = state.poll_ms;
        running.done = state.status.is_terminal();
        // Polling goes on while the result is awaited ("Retrieving Task Results": requestors
        // may poll in parallel), until the task is done: the page shows the task move after
        // its question is answered, and a task the server still reports keeps its
        // `tasks/result` from timing out.
        running.poll_at = (!running.done).then_some(now + state.poll_ms);
        let fetch = state.status.wants_result() && !running.fetching;
        let fetching = running.fetching;
        running.fetching |= fetch;
        let (id, related) = (running.id.clone(), running.related.clone());
        self.events.push_back(Event::TaskStatus {
            call,
            status: state.status,
            message: state.message,
        });
        if fetch {
            self.log(
                LogLevel::Info,
                format!(
                    "Task {id} is {}; fetching its result",
                    state.status.as_str()
                ),
            );
            self.send_rpc(
                "tasks/result",
                Some(json!({ "taskId": id })),
                Pending::TaskResult { related },
            );
        } else if fetching {
            self.timers.touch_call(now, call, &self.requests);
        }
    }

    /// Asks `tasks/get` of every task whose poll is due.
    pub(super) fn poll_tasks(&mut self) {
        let now = self.now;
        let due: Vec<(String, RelatedCall)> = self
            .tasks
            .running
            .iter_mut()
            .filter(|t| t.poll_at.is_some_and(|at| at <= now))
            .map(|t| {
                t.poll_at = None;
                (t.id.clone(), t.related.clone())
            })
            .collect();
        for (id, related) in due {
            self.send_rpc(
                "tasks/get",
                Some(json!({ "taskId": id })),
                Pending::TaskGet { related },
            );
        }
    }

    /// When the next poll is due.
    pub(super) fn next_poll(&self) -> Option<u64> {
        self.tasks.running.iter().filter_map(|t| t.poll_at).min()
    }

    /// `tasks/get` answered.
    pub(super) fn on_task_got(&mut self, related: RelatedCall, result: &Value) {
        match task::decode(result) {
            Ok(state) => self.task_moved(related.call, state),
            Err(e) => self.task_failed(
                &related,
                Error::new(
                    doing(&related),
                    Failure::Unusable(format!("its task's state is unusable: {e}")),
                ),
            ),
        }
    }

    /// `tasks/result` answered with the call's result.
    pub(super) fn on_task_result(&mut self, related: RelatedCall, result: Value) {
        self.tasks.remove(related.call);
        self.finish_call(related, 0, result);
    }

    /// Polling or fetching the result failed (or the result is a JSON-RPC error: the call's
    /// own, "Result Retrieval"): the call fails, and the session stops following its task. A
    /// network failure is no end of the task: requests it sent stay answerable, as a plain
    /// call's do.
    pub(super) fn task_failed(&mut self, related: &RelatedCall, error: Error) {
        if self.tasks.remove(related.call).is_none() {
            return;
        }
        // The server answered with an error: it no longer waits for the task's requests.
        if matches!(error.failure, Failure::Rpc(_)) {
            self.call_ended(related);
        }
        self.log(
            LogLevel::Error,
            format!(
                "The call of {} failed: {}",
                related.tool,
                Self::brief(&error.failure)
            ),
        );
        self.events.push_back(Event::ToolCallFailed {
            call: related.call,
            error,
        });
    }

    /// Stops following call `call`'s task, and tells the server to cancel it when it offers
    /// `tasks/cancel` and the task is not done yet ("Task Cancellation"). Whether it was
    /// following one.
    pub(super) fn stop_task(&mut self, call: CallId) -> bool {
        let Some(running) = self.tasks.remove(call) else {
            return false;
        };
        let out: Vec<u64> = self
            .requests
            .pending
            .iter()
            .filter(|(_, p)| match &p.kind {
                Pending::TaskGet { related } | Pending::TaskResult { related } => {
                    related.call == call
                }
                _ => false,
            })
            .map(|(rpc, _)| *rpc)
            .collect();
        for rpc in out {
            self.drop_rpc(rpc);
        }
        self.remove_for_call(call, &Gone::CallCancelled);
        // A task already done cannot be cancelled ("Task Cancellation": -32602).
        if running.done {
            return true;
        }
        if self.link.offers.task_cancel {
            self.send_rpc(
                "tasks/cancel",
                Some(json!({ "taskId": running.id })),
                Pending::TaskCancel,
            );
        } else {
            self.log(
                LogLevel::Warning,
                format!(
                    "The server offers no tasks/cancel: task {} may run on there.",
                    running.id
                ),
            );
        }
        true
    }

    /// The tool call task `id` belongs to, for a server request marked with it that came on
    /// a stream of no call's.
    pub(super) fn call_of_task(&self, id: &str) -> Option<RelatedCall> {
        self.tasks
            .running
            .iter()
            .find(|t| t.id == id)
            .map(|t| t.related.clone())
    }

    /// Every task the session follows fails with `failure` (the session ended or expired).
    pub(super) fn fail_all_tasks(&mut self, failure: &Failure) {
        for running in std::mem::take(&mut self.tasks.running) {
            self.events.push_back(Event::ToolCallFailed {
                call: running.related.call,
                error: Error::new(doing(&running.related), failure.clone()),
            });
        }
    }
}

fn doing(related: &RelatedCall) -> Doing {
    Doing::CallingTool {
        tool: related.tool.clone(),
        round: 0,
    }
}
