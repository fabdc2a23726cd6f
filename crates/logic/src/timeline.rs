//! The loop as the lesson draws it: one arrow per real message between the person, MCP Desk,
//! the LLM and each server, in the order it happened, each labelled the way the lesson says it
//! (`tools/call create_blog_post`, `sampling/createMessage`, `LLM request → <model>`,
//! `completion` — with `(<n> tokens)` when the count is known —, `sampling response`, `tool
//! result`) and holding its exact message (the first [`DETAIL_MAX`] bytes); the arrows of
//! each tool call gathered in a group of their own, folded once the call has ended and a later
//! one began; and the arrows as a Mermaid `sequenceDiagram`. Pure: the app hands in each
//! message with the time and the call it belongs to, and draws what this holds.

use std::collections::HashMap;

use serde_json::Value;

/// How many arrows are kept; the oldest go first.
pub const KEPT: usize = 500;
/// How much of a message an arrow keeps (bytes); the rest is counted, not kept.
pub const DETAIL_MAX: usize = 256 * 1024;

/// Who sends or receives: a lane of the diagram.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Lane {
    Person,
    Client,
    Llm,
    /// A server: its tab's id, and its title (its URL without credentials).
    Server(u32, String),
}

impl Lane {
    /// The lane's id in `data-from` / `data-to`.
    pub fn id(&self) -> &'static str {
        match self {
            Lane::Person => "person",
            Lane::Client => "client",
            Lane::Llm => "llm",
            Lane::Server(..) => "server",
        }
    }

    /// The lane's heading.
    pub fn title(&self) -> String {
        match self {
            Lane::Person => "Person".into(),
            Lane::Client => "MCP Desk".into(),
            Lane::Llm => "LLM".into(),
            Lane::Server(_, name) => name.clone(),
        }
    }
}

/// A tool call, as the timeline groups its arrows: its server tab, that tab's connection,
/// and the call's number in that connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CallKey {
    pub server: u32,
    pub connection: u64,
    pub call: u64,
}

/// A tool call's group: titled by how it began, and whether the call has ended.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub key: CallKey,
    pub title: String,
    pub ended: bool,
}

/// What is drawn, in order: an arrow of no call, or a call's group with all its arrows (the
/// group stands where its first arrow came).
#[derive(Debug, PartialEq)]
pub enum Block<'a> {
    Arrow(&'a Arrow),
    Group {
        group: &'a Group,
        arrows: Vec<&'a Arrow>,
    },
}

/// One arrow: its number (never reused), what it is (`data-kind`), between whom, as
/// labelled, when (ms, the page's clock), and the message it stands for, exactly.
#[derive(Debug, Clone, PartialEq)]
pub struct Arrow {
    pub seq: u64,
    /// Time since the person's last call of a tool began (ms); none before the first.
    pub since_ms: Option<u64>,
    pub kind: String,
    pub from: Lane,
    pub to: Lane,
    pub label: String,
    pub at_ms: u64,
    pub detail: String,
    /// The HTTP side of a message: the request line and MCP headers sent, or the status and
    /// content type it came with; empty for what is not a message.
    pub http: String,
    /// The tool call it belongs to.
    pub group: Option<CallKey>,
}

/// Every arrow so far, and what is needed to label an answer: the method of each request
/// still unanswered, by server tab, direction and JSON-RPC id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Timeline {
    pub arrows: Vec<Arrow>,
    asked: HashMap<(u32, bool, String), String>,
    next: u64,
    /// When the person last called a tool.
    call_at: Option<u64>,
    /// The tool calls with arrows kept, in the order they began.
    groups: Vec<Group>,
}

impl Timeline {
    /// A JSON-RPC message (or batch) between MCP Desk and the server of tab `server` (its lane
    /// titled `title`), `sent` by MCP Desk or received from the server, exactly as it went,
    /// with its HTTP side, part of tool call `group` when it is one's. Returns the number of
    /// its (first) arrow.
    #[allow(clippy::too_many_arguments)]
    pub fn wire(
        &mut self,
        server: u32,
        title: &str,
        sent: bool,
        text: &str,
        http: &str,
        group: Option<CallKey>,
        at_ms: u64,
    ) -> u64 {
        let first = self.next + 1;
        let (messages, batch) = match serde_json::from_str::<Value>(text) {
            Ok(Value::Array(items)) => (items, true),
            Ok(one) => (vec![one], false),
            // Not JSON: drawn as it came, so the person sees what the server sent.
            Err(_) => (vec![Value::Null], false),
        };
        for message in messages {
            let (kind, label) = self.name(server, sent, &message);
            let lane = Lane::Server(server, title.to_owned());
            let (from, to) = match sent {
                true => (Lane::Client, lane),
                false => (lane, Lane::Client),
            };
            // The message exactly as it went; one of a batch as its JSON.
            let detail = match batch {
                false => text.to_owned(),
                true => message.to_string(),
            };
            self.push(Arrow {
                seq: 0,
                since_ms: None,
                kind,
                from,
                to,
                label,
                at_ms,
                detail,
                http: http.to_owned(),
                group,
            });
        }
        first
    }

    /// What a message is (`data-kind`) and how the lesson says it. A request is remembered so
    /// that its answer can be named after it.
    fn name(&mut self, server: u32, sent: bool, message: &Value) -> (String, String) {
        let id = message.get("id").map(Value::to_string);
        if let Some(method) = message.get("method").and_then(Value::as_str) {
            if let Some(id) = id {
                // Requests never answered are not remembered for ever.
                if self.asked.len() >= KEPT {
                    self.asked.clear();
                }
                // Remembered by who asked: an answer comes the other way.
                self.asked.insert((server, sent, id), method.to_owned());
            }
            let label = match (
                method,
                message.pointer("/params/name").and_then(Value::as_str),
            ) {
                ("tools/call", Some(tool)) => format!("tools/call {tool}"),
                _ => method.to_owned(),
            };
            return (method.to_owned(), label);
        }
        let asked = id.and_then(|id| self.asked.remove(&(server, !sent, id)));
        let failed = message.get("error").is_some();
        match asked.as_deref() {
            Some("sampling/createMessage") if !failed => {
                ("sampling-response".into(), "sampling response".into())
            }
            Some("tools/call")
                if message
                    .pointer("/result/resultType")
                    .and_then(Value::as_str)
                    == Some("input_required") =>
            {
                ("input-required".into(), "input_required".into())
            }
            Some("tools/call") if !failed => ("tool-result".into(), "tool result".into()),
            Some(method) if failed => (format!("{method} error"), format!("{method} error")),
            Some(method) => (format!("{method} result"), format!("{method} result")),
            None => ("message".into(), "message".into()),
        }
    }

    /// MCP Desk asked the LLM (`model`) with `request`, the body as sent (without its key),
    /// for a request of call `group`.
    pub fn llm_request(
        &mut self,
        model: &str,
        request: String,
        group: Option<CallKey>,
        at_ms: u64,
    ) {
        self.push(Arrow {
            seq: 0,
            since_ms: None,
            kind: "llm-request".into(),
            from: Lane::Client,
            to: Lane::Llm,
            label: format!("LLM request → {model}"),
            at_ms,
            detail: request,
            http: String::new(),
            group,
        });
    }

    /// The LLM's completion arrived: `tokens` of output when the provider says, and the text.
    pub fn llm_response(
        &mut self,
        tokens: Option<u64>,
        text: String,
        group: Option<CallKey>,
        at_ms: u64,
    ) {
        let label = match tokens {
            Some(n) => format!("completion ({n} tokens)"),
            None => "completion".into(),
        };
        self.push(Arrow {
            seq: 0,
            since_ms: None,
            kind: "llm-response".into(),
            from: Lane::Llm,
            to: Lane::Client,
            label,
            at_ms,
            detail: text,
            http: String::new(),
            group,
        });
    }

    /// Something the person did (`kind`, e.g. `call-tool`, `edit`, `approve`), as the lesson
    /// says it, about call `group`. Returns the arrow's number.
    pub fn person(&mut self, kind: &str, label: String, group: Option<CallKey>, at_ms: u64) -> u64 {
        self.push(Arrow {
            seq: 0,
            since_ms: None,
            kind: kind.to_owned(),
            from: Lane::Person,
            to: Lane::Client,
            label,
            at_ms,
            detail: String::new(),
            http: String::new(),
            group,
        });
        self.next
    }

    /// A mark on MCP Desk's own lane: something the page did by itself (`kind`, e.g.
    /// `rule-answer`), with what it did as `detail`, for call `group`.
    pub fn mark(
        &mut self,
        kind: &str,
        label: String,
        detail: String,
        group: Option<CallKey>,
        at_ms: u64,
    ) {
        self.push(Arrow {
            seq: 0,
            since_ms: None,
            kind: kind.to_owned(),
            from: Lane::Client,
            to: Lane::Client,
            label,
            at_ms,
            detail,
            http: String::new(),
            group,
        });
    }

    /// Arrow `seq` (the person's call of a tool, drawn before the call had its number) joins
    /// the group of call `key`, which it begins.
    pub fn join(&mut self, seq: u64, key: CallKey) {
        let Some(arrow) = self.arrows.iter_mut().find(|a| a.seq == seq) else {
            return;
        };
        arrow.group = Some(key);
        let title = arrow.label.clone();
        match self.groups.iter_mut().find(|g| g.key == key) {
            Some(group) => group.title = title,
            None => self.groups.push(Group {
                key,
                title,
                ended: false,
            }),
        }
    }

    /// Call `key` ended (its result, its failure, or its cancellation).
    pub fn end(&mut self, key: CallKey) {
        if let Some(group) = self.groups.iter_mut().find(|g| g.key == key) {
            group.ended = true;
        }
    }

    /// Whether call `key`'s group is folded unless the person says otherwise: once the call
    /// has ended and a later one began.
    pub fn folds(&self, key: CallKey) -> bool {
        let at = self.groups.iter().position(|g| g.key == key);
        at.is_some_and(|at| self.groups[at].ended && at + 1 < self.groups.len())
    }

    /// What is drawn, in order: each arrow of no call where it came, each call's group (all
    /// its arrows, in order) where its first arrow came.
    pub fn blocks(&self) -> Vec<Block<'_>> {
        let mut blocks = Vec::new();
        let mut drawn: Vec<CallKey> = Vec::new();
        for arrow in &self.arrows {
            match arrow.group {
                None => blocks.push(Block::Arrow(arrow)),
                Some(key) if !drawn.contains(&key) => {
                    drawn.push(key);
                    let Some(group) = self.groups.iter().find(|g| g.key == key) else {
                        continue;
                    };
                    let arrows = self
                        .arrows
                        .iter()
                        .filter(|a| a.group == Some(key))
                        .collect();
                    blocks.push(Block::Group { group, arrows });
                }
                Some(_) => {}
            }
        }
        blocks
    }

    /// Adds `arrow`, numbered, its detail cut to [`DETAIL_MAX`]; a call's first arrow begins
    /// its group, titled by it.
    fn push(&mut self, mut arrow: Arrow) {
        if self.arrows.len() >= KEPT {
            let gone = self.arrows.remove(0);
            // A group goes with its last arrow.
            if let Some(key) = gone.group
                && !self.arrows.iter().any(|a| a.group == Some(key))
            {
                self.groups.retain(|g| g.key != key);
            }
        }
        if let Some(key) = arrow.group
            && !self.groups.iter().any(|g| g.key == key)
        {
            self.groups.push(Group {
                key,
                title: arrow.label.clone(),
                ended: false,
            });
        }
        self.next += 1;
        arrow.seq = self.next;
        if arrow.kind == "call-tool" {
            self.call_at = Some(arrow.at_ms);
        }
        arrow.since_ms = self.call_at.map(|at| arrow.at_ms.saturating_sub(at));
        if arrow.detail.len() > DETAIL_MAX {
            let mut end = DETAIL_MAX;
            while !arrow.detail.is_char_boundary(end) {
                end -= 1;
            }
            let more = arrow.detail.len() - end;
            arrow.detail.truncate(end);
            arrow.detail += &format!("… ({more} bytes more)");
        }
        self.arrows.push(arrow);
    }

    /// The call arrow `seq` belongs to, if any.
    pub fn group_of(&self, seq: u64) -> Option<CallKey> {
        self.arrow(seq).and_then(|a| a.group)
    }

    /// The arrow numbered `seq`, while it is kept.
    pub fn arrow(&self, seq: u64) -> Option<&Arrow> {
        self.arrows.iter().find(|a| a.seq == seq)
    }

    /// The lanes in the order they are drawn: the person, MCP Desk, the LLM, then each
    /// server as it first appears.
    pub fn lanes(&self) -> Vec<Lane> {
        let mut lanes = vec![Lane::Person, Lane::Client, Lane::Llm];
        for arrow in &self.arrows {
            for lane in [&arrow.from, &arrow.to] {
                if !lanes.contains(lane) {
                    lanes.push(lane.clone());
                }
            }
        }
        lanes
    }

    /// The arrows as a Mermaid `sequenceDiagram`: the participants, then one line per arrow —
    /// only call `only`'s when given (one call, the lesson's own picture), else all.
    pub fn mermaid(&self, only: Option<CallKey>) -> String {
        let arrows: Vec<&Arrow> = self
            .arrows
            .iter()
            .filter(|a| only.is_none() || a.group == only)
            .collect();
        // The person, MCP Desk and the LLM always; a server when the arrows reach it.
        let lanes: Vec<Lane> = self
            .lanes()
            .into_iter()
            .filter(|lane| {
                !matches!(lane, Lane::Server(..))
                    || arrows.iter().any(|a| &a.from == lane || &a.to == lane)
            })
            .collect();
        let alias = |lane: &Lane| {
            let at = lanes.iter().position(|l| l == lane).unwrap_or(0);
            format!("P{at}")
        };
        let mut out = String::from("sequenceDiagram\n");
        for lane in &lanes {
            out += &format!(
                "    participant {} as {}\n",
                alias(lane),
                mermaid_text(&lane.title())
            );
        }
        for arrow in arrows {
            out += &format!(
                "    {}->>{}: {}\n",
                alias(&arrow.from),
                alias(&arrow.to),
                mermaid_text(&arrow.label)
            );
        }
        out
    }
}

/// How long after its call began an arrow came, as drawn beside it: `+120 ms`, `+2.4 s`.
pub fn since_text(ms: u64) -> String {
    match ms {
        0..1_000 => format!("+{ms} ms"),
        _ => format!("+{}.{} s", ms / 1_000, ms % 1_000 / 100),
    }
}

/// Text Mermaid shows as written: no line breaks, no `;` or `#` (which it reads as syntax).
fn mermaid_text(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\n' | '\r' | ';' => ' ',
            '#' => '♯',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn kinds(t: &Timeline) -> Vec<(&str, &str, &str, &str)> {
        t.arrows
            .iter()
            .map(|a| (a.kind.as_str(), a.from.id(), a.to.id(), a.label.as_str()))
            .collect()
    }

    /// The seed's loop as it travels at 2025-11-25.
    fn the_lesson() -> Timeline {
        let mut t = Timeline::default();
        t.person("call-tool", "call create_blog_post".into(), None, 0);
        let call = json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call",
            "params": {"name": "create_blog_post", "arguments": {"draft": "Cats sleep."}}});
        t.wire(0, "demo", true, &call.to_string(), "", None, 1);
        let ask = json!({"jsonrpc": "2.0", "id": 0, "method": "sampling/createMessage",
            "params": {"messages": [{"role": "user", "content": {"type": "text", "text": "Cats sleep."}}], "maxTokens": 80}});
        t.wire(0, "demo", false, &ask.to_string(), "", None, 2);
        t.llm_request("mock-1", "{\"model\": \"mock-1\"}".into(), None, 3);
        t.llm_response(Some(7), "Cats nap.".into(), None, 4);
        t.person("approve", "approve".into(), None, 5);
        let answer = json!({"jsonrpc": "2.0", "id": 0, "result": {"role": "assistant",
            "content": {"type": "text", "text": "Cats nap."}, "model": "mock-1"}});
        t.wire(0, "demo", true, &answer.to_string(), "", None, 6);
        let done = json!({"jsonrpc": "2.0", "id": 3, "result": {"content": [{"type": "text", "text": "Posted"}]}});
        t.wire(0, "demo", false, &format!("[{done}]"), "", None, 7);
        t
    }

    #[test]
    fn the_seeds_loop_is_drawn_as_the_lesson_draws_it() {
        assert_eq!(
            kinds(&the_lesson()),
            [
                ("call-tool", "person", "client", "call create_blog_post"),
                (
                    "tools/call",
                    "client",
                    "server",
                    "tools/call create_blog_post"
                ),
                (
                    "sampling/createMessage",
                    "server",
                    "client",
                    "sampling/createMessage"
                ),
                ("llm-request", "client", "llm", "LLM request → mock-1"),
                ("llm-response", "llm", "client", "completion (7 tokens)"),
                ("approve", "person", "client", "approve"),
                ("sampling-response", "client", "server", "sampling response"),
                ("tool-result", "server", "client", "tool result"),
            ]
        );
        let lesson = the_lesson();
        assert!(lesson.arrows[2].detail.contains("\"Cats sleep.\""));
    }

    #[test]
    fn an_answer_is_named_after_its_own_request_only() {
        let mut t = Timeline::default();
        // The server's request 0 and the client's request 0 are different requests.
        t.wire(
            0,
            "s",
            true,
            r#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{}}"#,
            "",
            None,
            0,
        );
        t.wire(
            0,
            "s",
            false,
            r#"{"jsonrpc":"2.0","id":0,"method":"sampling/createMessage","params":{}}"#,
            "",
            None,
            1,
        );
        t.wire(
            0,
            "s",
            false,
            r#"{"jsonrpc":"2.0","id":0,"result":{}}"#,
            "",
            None,
            2,
        );
        t.wire(
            0,
            "s",
            true,
            r#"{"jsonrpc":"2.0","id":0,"error":{"code":-1,"message":"no"}}"#,
            "",
            None,
            3,
        );
        t.wire(
            0,
            "s",
            false,
            r#"{"jsonrpc":"2.0","id":9,"result":{}}"#,
            "",
            None,
            4,
        );
        let labels: Vec<&str> = t.arrows.iter().map(|a| a.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "initialize",
                "sampling/createMessage",
                "initialize result",
                "sampling/createMessage error",
                "message"
            ]
        );
    }

    #[test]
    fn a_2026_round_is_drawn_as_input_required_then_the_call_again() {
        let mut t = Timeline::default();
        t.wire(
            0,
            "py",
            true,
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"summarize_mrtr"}}"#,
            "",
            None,
            0,
        );
        t.wire(0, "py", false, r#"{"jsonrpc":"2.0","id":1,"result":{"resultType":"input_required","inputRequests":{}}}"#, "", None, 1,);
        t.wire(0, "py", true, r#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"summarize_mrtr","inputResponses":{}}}"#, "", None, 2,);
        t.wire(
            0,
            "py",
            false,
            r#"{"jsonrpc":"2.0","id":2,"result":{"resultType":"complete","content":[]}}"#,
            "",
            None,
            3,
        );
        let kinds: Vec<&str> = t.arrows.iter().map(|a| a.kind.as_str()).collect();
        assert_eq!(
            kinds,
            ["tools/call", "input-required", "tools/call", "tool-result"]
        );
    }

    #[test]
    fn what_is_not_json_is_kept_as_it_came() {
        let mut t = Timeline::default();
        t.wire(0, "s", false, "<html>oops</html>", "", None, 0);
        assert_eq!(t.arrows[0].kind, "message");
        assert_eq!(t.arrows[0].detail, "<html>oops</html>");
    }

    #[test]
    fn the_mermaid_export_has_one_line_per_arrow_after_the_participants() {
        let mermaid = the_lesson().mermaid(None);
        let lines: Vec<&str> = mermaid.lines().collect();
        assert_eq!(lines[0], "sequenceDiagram");
        assert_eq!(
            &lines[1..5],
            [
                "    participant P0 as Person",
                "    participant P1 as MCP Desk",
                "    participant P2 as LLM",
                "    participant P3 as demo",
            ]
        );
        assert_eq!(lines.len(), 5 + 8);
        assert_eq!(lines[6], "    P1->>P3: tools/call create_blog_post");
        assert_eq!(lines[12], "    P3->>P1: tool result");
    }

    #[test]
    fn mermaid_text_cannot_break_the_diagram() {
        let mut t = Timeline::default();
        t.person("x", "a;b\n#c".into(), None, 0);
        assert!(t.mermaid(None).ends_with("    P0->>P1: a b ♯c\n"));
    }

    #[test]
    fn two_tabs_on_one_server_are_two_lanes_with_their_own_ids() {
        let mut t = Timeline::default();
        let ask = r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#;
        t.wire(0, "http://h/mcp", true, ask, "", None, 0);
        t.wire(
            1,
            "http://h/mcp",
            true,
            &ask.replace("tools/list", "ping"),
            "",
            None,
            1,
        );
        t.wire(
            0,
            "http://h/mcp",
            false,
            r#"{"jsonrpc":"2.0","id":1,"result":{}}"#,
            "",
            None,
            2,
        );
        t.wire(
            1,
            "http://h/mcp",
            false,
            r#"{"jsonrpc":"2.0","id":1,"result":{}}"#,
            "",
            None,
            3,
        );
        let labels: Vec<&str> = t.arrows.iter().map(|a| a.label.as_str()).collect();
        assert_eq!(
            labels,
            ["tools/list", "ping", "tools/list result", "ping result"]
        );
        assert_eq!(t.lanes().len(), 5);
    }

    #[test]
    fn a_huge_message_is_kept_in_part_and_arrows_keep_their_numbers() {
        let mut t = Timeline::default();
        // Two-byte characters, so the cut must find a character boundary.
        let big = format!("\"{}\"", "é".repeat(DETAIL_MAX));
        t.wire(0, "s", false, &big, "", None, 0);
        let kept = &t.arrows[0].detail;
        let (cut, note) = kept.split_once('…').unwrap();
        assert!(cut.len() <= DETAIL_MAX && cut.len() >= DETAIL_MAX - 1);
        assert!(big.starts_with(cut));
        assert_eq!(note, format!(" ({} bytes more)", big.len() - cut.len()));
        t.person("x", "y".into(), None, 1);
        assert_eq!(t.arrow(2).map(|a| a.label.as_str()), Some("y"));
        assert_eq!(t.arrow(9), None);
    }

    #[test]
    fn each_arrow_says_how_long_after_the_call_began_it_came() {
        let since: Vec<Option<u64>> = the_lesson().arrows.iter().map(|a| a.since_ms).collect();
        assert_eq!(
            since,
            [
                Some(0),
                Some(1),
                Some(2),
                Some(3),
                Some(4),
                Some(5),
                Some(6),
                Some(7)
            ]
        );
        let mut t = Timeline::default();
        t.wire(
            0,
            "s",
            true,
            r#"{"jsonrpc":"2.0","id":0,"method":"initialize"}"#,
            "",
            None,
            50,
        );
        t.person("call-tool", "call a".into(), None, 100);
        t.person("call-tool", "call b".into(), None, 400);
        t.person("approve", "approve".into(), None, 1_400);
        let since: Vec<Option<u64>> = t.arrows.iter().map(|a| a.since_ms).collect();
        assert_eq!(since, [None, Some(0), Some(0), Some(1_000)]);
    }

    #[test]
    fn the_time_since_the_call_reads_in_ms_then_seconds() {
        let texts: Vec<String> = [0, 999, 1_000, 2_450, 61_000].map(since_text).into();
        assert_eq!(texts, ["+0 ms", "+999 ms", "+1.0 s", "+2.4 s", "+61.0 s"]);
    }

    #[test]
    fn what_the_page_does_by_itself_is_a_mark_on_its_own_lane() {
        let mut t = Timeline::default();
        t.mark(
            "rule-answer",
            "answered by a rule".into(),
            "rule: always".into(),
            None,
            5,
        );
        let a = &t.arrows[0];
        assert_eq!(
            (a.from.id(), a.to.id(), a.kind.as_str()),
            ("client", "client", "rule-answer")
        );
        assert!(
            t.mermaid(None)
                .ends_with("    P1->>P1: answered by a rule\n")
        );
    }

    fn key(call: u64) -> CallKey {
        CallKey {
            server: 0,
            connection: 1,
            call,
        }
    }

    /// What is drawn, in words: each loose arrow's label, each group's title and labels.
    fn drawn(t: &Timeline) -> Vec<String> {
        t.blocks()
            .iter()
            .map(|b| match b {
                Block::Arrow(a) => a.label.clone(),
                Block::Group { group, arrows } => {
                    let labels: Vec<&str> = arrows.iter().map(|a| a.label.as_str()).collect();
                    format!("[{}: {}]", group.title, labels.join(", "))
                }
            })
            .collect()
    }

    #[test]
    fn each_tool_call_is_a_group_of_its_arrows_even_when_calls_overlap() {
        let mut t = Timeline::default();
        t.wire(
            0,
            "s",
            true,
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#,
            "",
            None,
            0,
        );
        let a = t.person("call-tool", "call a".into(), None, 1);
        t.wire(
            0,
            "s",
            true,
            r#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"a"}}"#,
            "",
            Some(key(0)),
            2,
        );
        t.join(a, key(0));
        let b = t.person("call-tool", "call b".into(), None, 3);
        t.wire(
            0,
            "s",
            true,
            r#"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"b"}}"#,
            "",
            Some(key(1)),
            4,
        );
        t.join(b, key(1));
        t.wire(
            0,
            "s",
            false,
            r#"{"jsonrpc":"2.0","id":0,"method":"sampling/createMessage"}"#,
            "",
            Some(key(0)),
            5,
        );
        t.wire(
            0,
            "s",
            false,
            r#"{"jsonrpc":"2.0","method":"notifications/tools/list_changed"}"#,
            "",
            None,
            6,
        );
        t.wire(
            0,
            "s",
            false,
            r#"{"jsonrpc":"2.0","id":3,"result":{}}"#,
            "",
            Some(key(1)),
            7,
        );
        t.end(key(1));
        t.wire(
            0,
            "s",
            false,
            r#"{"jsonrpc":"2.0","id":2,"result":{}}"#,
            "",
            Some(key(0)),
            8,
        );
        assert_eq!(
            drawn(&t),
            [
                "tools/list",
                "[call a: call a, tools/call a, sampling/createMessage, tool result]",
                "[call b: call b, tools/call b, tool result]",
                "notifications/tools/list_changed",
            ]
        );
        // Call b ended, but call a is still running and began first: nothing folds yet.
        assert_eq!((t.folds(key(0)), t.folds(key(1))), (false, false));
    }

    #[test]
    fn one_call_exports_as_its_own_diagram() {
        let mut t = Timeline::default();
        t.wire(
            0,
            "a",
            true,
            r#"{"jsonrpc":"2.0","id":1,"method":"initialize"}"#,
            "",
            None,
            0,
        );
        let on_b = CallKey {
            server: 1,
            ..key(0)
        };
        t.wire(
            1,
            "b",
            true,
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x"}}"#,
            "",
            Some(on_b),
            1,
        );
        t.wire(
            0,
            "a",
            true,
            r#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"y"}}"#,
            "",
            Some(key(0)),
            2,
        );
        let picked = t.arrows[1].seq;
        assert_eq!(t.group_of(picked), Some(on_b));
        assert_eq!(
            t.mermaid(t.group_of(picked)),
            "sequenceDiagram\n    participant P0 as Person\n    participant P1 as MCP Desk\n    participant P2 as LLM\n    participant P3 as b\n    P1->>P3: tools/call x\n"
        );
        assert_eq!(t.mermaid(None).lines().count(), 1 + 5 + 3);
    }

    #[test]
    fn an_ended_call_folds_once_a_later_one_began() {
        let mut t = Timeline::default();
        let call = r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a"}}"#;
        t.wire(0, "s", true, call, "", Some(key(0)), 0);
        t.end(key(0));
        // The last call stays open after it ended: the loop just drawn is what is shown.
        assert!(!t.folds(key(0)));
        t.wire(0, "s", true, call, "", Some(key(1)), 1);
        assert_eq!((t.folds(key(0)), t.folds(key(1))), (true, false));
        // The same call number on another connection is another call.
        let other = CallKey {
            connection: 2,
            ..key(0)
        };
        t.wire(0, "s", true, call, "", Some(other), 2);
        assert_eq!(t.blocks().len(), 3);
        assert!(!t.folds(other));
    }

    #[test]
    fn a_group_goes_with_its_last_arrow() {
        let mut t = Timeline::default();
        t.person("call-tool", "call a".into(), Some(key(0)), 0);
        for i in 0..KEPT as u64 {
            t.person("x", i.to_string(), None, i);
        }
        assert!(t.groups.is_empty());
        assert_eq!(t.blocks().len(), KEPT);
    }

    #[test]
    fn only_the_newest_arrows_are_kept() {
        let mut t = Timeline::default();
        for i in 0..(KEPT as u64 + 3) {
            t.person("x", i.to_string(), None, i);
        }
        assert_eq!(t.arrows.len(), KEPT);
        assert_eq!(t.arrows[0].label, "3");
    }
}
