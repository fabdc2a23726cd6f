//! Rules for when not to ask: per server (and optionally per tool) "always ask",
//! "auto-approve the request" (the LLM is called at once; the person reviews the completion)
//! or "auto-approve the completion" (answered without the person), each with budgets that
//! fall back to asking when spent, and a global pause. Time comes in as an argument; the
//! book comes from and goes to saved text.

use std::collections::{BTreeMap, VecDeque};

use serde::{Deserialize, Serialize};

use crate::server_key::ServerKey;

/// More pending requests than this from one server are refused, not queued.
pub const MAX_PENDING_PER_SERVER: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Mode {
    AlwaysAsk,
    AutoApproveRequest,
    AutoApproveCompletion,
}

impl Mode {
    pub const ALL: [Mode; 3] = [
        Mode::AlwaysAsk,
        Mode::AutoApproveRequest,
        Mode::AutoApproveCompletion,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Mode::AlwaysAsk => "ask",
            Mode::AutoApproveRequest => "auto-request",
            Mode::AutoApproveCompletion => "auto-completion",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Mode::AlwaysAsk => "Always ask",
            Mode::AutoApproveRequest => "Auto-approve the request (review the completion)",
            Mode::AutoApproveCompletion => "Auto-approve the completion (no review)",
        }
    }

    pub fn from_id(id: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.id() == id)
    }
}

/// Limits after which an automatic rule asks the person again.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Budget {
    pub requests_per_minute: Option<u32>,
    /// Counted as the `maxTokens` each auto-approved request allowed (an upper bound).
    pub tokens_per_hour: Option<u32>,
    pub max_tokens_per_request: Option<u32>,
}

impl Budget {
    /// The limits as the rules panel lists them (`2/min, 500 tokens/h`), empty for none.
    pub fn describe(&self) -> String {
        [
            self.requests_per_minute.map(|n| format!("{n}/min")),
            self.tokens_per_hour.map(|n| format!("{n} tokens/h")),
            self.max_tokens_per_request
                .map(|n| format!("≤ {n} tokens each")),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ")
    }
}

/// Reads a budget field as typed: empty is no limit.
pub fn parse_limit(text: &str) -> Result<Option<u32>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<u32>()
        .map(Some)
        .map_err(|_| format!("\"{text}\" is not a whole number (leave it empty for no limit)."))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub server: ServerKey,
    /// `None`: every tool of the server (and requests tied to no tool).
    pub tool: Option<String>,
    pub mode: Mode,
    pub budget: Budget,
}

impl Rule {
    /// The rule as the rules panel lists it.
    pub fn describe(&self) -> String {
        let limits = self.budget.describe();
        format!(
            "{}{} — {}{}",
            self.server.shown(),
            self.tool
                .as_ref()
                .map(|t| format!(" · {t}"))
                .unwrap_or_default(),
            self.mode.label(),
            if limits.is_empty() {
                String::new()
            } else {
                format!(" ({limits})")
            }
        )
    }
}

/// What to do with a new request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Queue it for the person; `why` says why a rule did not apply, if one matched.
    Ask {
        why: Option<String>,
    },
    AutoRequest,
    AutoCompletion,
    /// Refuse it: the server has too many requests waiting.
    Throttle {
        why: String,
    },
}

/// The rules, the pause switch and what the automatic rules have spent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RuleBook {
    pub rules: Vec<Rule>,
    pub paused: bool,
    /// Per server: when automatic approvals happened (ms) and the tokens they allowed.
    #[serde(skip)]
    spent: BTreeMap<ServerKey, VecDeque<(f64, u32)>>,
}

impl RuleBook {
    /// The book saved as `saved` (none, or unreadable: an empty book); a server saved by its
    /// whole URL, token and all, by an older version is named by its key now.
    pub fn load(saved: Option<&str>, salt: &str) -> RuleBook {
        let mut book: RuleBook = saved
            .and_then(|text| serde_json::from_str(text).ok())
            .unwrap_or_default();
        for rule in &mut book.rules {
            rule.server = ServerKey::migrate(rule.server.as_str(), salt);
        }
        book
    }

    /// The text to save (what the budgets spent is not saved).
    pub fn to_saved(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The rule for a request: one for its tool first, then one for the whole server.
    pub fn rule_for(&self, server: &ServerKey, tool: Option<&str>) -> Option<&Rule> {
        let same = |r: &&Rule| r.server == *server;
        self.rules
            .iter()
            .filter(same)
            .find(|r| r.tool.is_some() && r.tool.as_deref() == tool)
            .or_else(|| self.rules.iter().filter(same).find(|r| r.tool.is_none()))
    }

    /// Adds or replaces the rule for (server, tool).
    pub fn set(&mut self, rule: Rule) {
        self.rules
            .retain(|r| !(r.server == rule.server && r.tool == rule.tool));
        self.rules.push(rule);
    }

    pub fn remove(&mut self, server: &ServerKey, tool: Option<&str>) {
        self.rules
            .retain(|r| !(r.server == *server && r.tool.as_deref() == tool));
    }

    /// Decides for a request from `server` (`pending` of its requests already waiting) at
    /// `now_ms` (any clock in milliseconds, the same one every time).
    pub fn decide(
        &mut self,
        server: &ServerKey,
        tool: Option<&str>,
        max_tokens: u32,
        pending: usize,
        now_ms: f64,
    ) -> Decision {
        if pending >= MAX_PENDING_PER_SERVER {
            return Decision::Throttle {
                why: format!(
                    "{} already has {pending} sampling requests waiting; MCP Desk refused this one. Slow down and try again.",
                    server.shown()
                ),
            };
        }
        let Some(rule) = self.rule_for(server, tool).cloned() else {
            return Decision::Ask { why: None };
        };
        if rule.mode == Mode::AlwaysAsk {
            return Decision::Ask { why: None };
        }
        if self.paused {
            return Decision::Ask {
                why: Some("Automatic approval is paused.".into()),
            };
        }
        let spent = self.spent.entry(server.clone()).or_default();
        while spent.front().is_some_and(|(t, _)| now_ms - t > 3_600_000.0) {
            spent.pop_front();
        }
        let budget = rule.budget;
        if let Some(limit) = budget.max_tokens_per_request
            && max_tokens > limit
        {
            return Decision::Ask {
                why: Some(format!(
                    "It allows {max_tokens} tokens, above the rule's {limit} per request."
                )),
            };
        }
        if let Some(limit) = budget.requests_per_minute {
            let last_minute = spent.iter().filter(|(t, _)| now_ms - t <= 60_000.0).count();
            if last_minute as u32 >= limit {
                return Decision::Ask {
                    why: Some(format!(
                        "The rule's budget of {limit} requests per minute is spent."
                    )),
                };
            }
        }
        if let Some(limit) = budget.tokens_per_hour {
            let used: u64 = spent.iter().map(|(_, n)| u64::from(*n)).sum();
            if used + u64::from(max_tokens) > u64::from(limit) {
                return Decision::Ask {
                    why: Some(format!(
                        "The rule's budget of {limit} tokens per hour would be exceeded ({used} used)."
                    )),
                };
            }
        }
        spent.push_back((now_ms, max_tokens));
        match rule.mode {
            Mode::AutoApproveRequest => Decision::AutoRequest,
            _ => Decision::AutoCompletion,
        }
    }
}
