//! What a server offers to browse besides tools (S25 server/resources.mdx, server/prompts.mdx):
//! its resources, resource templates and prompts — listed page by page once the session is
//! ready and again when the server says the list changed — a resource read, a prompt got with
//! its arguments, and (in a 2025 session, when the server offers it) a subscription to a
//! resource's updates. Each request ends in an event: what was asked, or
//! [`Event::BrowseFailed`] with what went wrong.

use serde_json::{Map, Value, json};

use super::ClientSession;
use super::link::Phase;
use super::requests::Pending;
use crate::error::{Doing, Error, Failure};
use crate::event::{CallId, Event, LogLevel, RelatedCall};
use crate::model::{
    GetPromptRequestParams, PaginatedRequestParams, ReadResourceRequestParams,
    SubscribeRequestParams,
};
use crate::mrtr::{self, Retried};
use crate::negotiation::Transport;
use crate::offer::{self, PromptInfo, ResourceInfo, TemplateInfo};

/// A server that keeps handing out `nextCursor` is cut off after this many pages.
const MAX_PAGES: u32 = 100;

/// A list being gathered, page by page.
#[derive(Debug)]
pub(super) enum Listing {
    Resources(Vec<ResourceInfo>),
    Templates(Vec<TemplateInfo>),
    Prompts(Vec<PromptInfo>),
}

impl Listing {
    pub(super) fn method(&self) -> &'static str {
        match self {
            Listing::Resources(_) => "resources/list",
            Listing::Templates(_) => "resources/templates/list",
            Listing::Prompts(_) => "prompts/list",
        }
    }
}

/// What a browse request was for.
#[derive(Debug)]
pub(super) enum Browse {
    List {
        listing: Listing,
        pages: u32,
    },
    /// `again`: at 2026-07-28, the round it goes on (its id, the round's number), when it is
    /// sent again with answers.
    Read {
        uri: String,
        again: Option<(CallId, u32)>,
    },
    GetPrompt {
        name: String,
        arguments: Map<String, Value>,
        again: Option<(CallId, u32)>,
    },
    Subscribe {
        uri: String,
        on: bool,
    },
    Complete {
        target: Target,
        argument: String,
        value: String,
    },
}

/// What a completion is for (S25 server/utilities/completion.mdx "Reference Types").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An argument of prompt `name` (`ref/prompt`).
    Prompt(String),
    /// A variable of the resource template `uri_template` (`ref/resource`).
    Template(String),
}

impl Browse {
    pub(super) fn doing(&self) -> Doing {
        match self {
            Browse::List { listing, .. } => Doing::Listing(listing.method()),
            Browse::Read { uri, .. } => Doing::ReadingResource(uri.clone()),
            Browse::GetPrompt { name, .. } => Doing::GettingPrompt(name.clone()),
            Browse::Subscribe { uri, on: true } => Doing::Subscribing(uri.clone()),
            Browse::Subscribe { uri, on: false } => Doing::Unsubscribing(uri.clone()),
            Browse::Complete { argument, .. } => Doing::Completing(argument.clone()),
        }
    }
}

impl ClientSession {
    /// Lists what the server declared it offers (resources and their templates, prompts).
    pub(super) fn list_offers(&mut self) {
        if self.link.offers.resources {
            self.list(Listing::Resources(Vec::new()));
            self.list(Listing::Templates(Vec::new()));
        }
        if self.link.offers.prompts {
            self.list(Listing::Prompts(Vec::new()));
        }
    }

    /// Starts listing `listing` again from its first page.
    pub(super) fn list(&mut self, listing: Listing) {
        if self.link.phase == Phase::Ready {
            self.request_page(listing, None, 0);
        }
    }

    fn request_page(&mut self, listing: Listing, cursor: Option<String>, pages: u32) {
        let mut params = PaginatedRequestParams::default();
        params.cursor = cursor;
        let method = listing.method();
        self.send_rpc(
            method,
            Some(params),
            Pending::Browse(Browse::List { listing, pages }),
        );
    }

    /// Reads the resource at `uri` (a listed one, or a template filled in).
    pub(super) fn read(&mut self, uri: String) {
        let params = ReadResourceRequestParams::new(uri.clone());
        self.send_browse("resources/read", params, Browse::Read { uri, again: None });
    }

    /// Gets prompt `name` with its `arguments`.
    pub(super) fn get_prompt_of(&mut self, name: String, arguments: Map<String, Value>) {
        let mut params = GetPromptRequestParams::new(name.clone());
        if !arguments.is_empty() {
            params.arguments = Some(arguments.clone());
        }
        let browse = Browse::GetPrompt {
            name,
            arguments,
            again: None,
        };
        self.send_browse("prompts/get", params, browse);
    }

    /// Subscribes to (or unsubscribes from) the updates of the resource at `uri`: in a 2025
    /// session with `resources/subscribe` when the server offers `subscribe` (S25
    /// server/resources.mdx "Subscriptions"); at 2026-07-28 on the listen stream.
    pub(super) fn subscribe(&mut self, uri: String, on: bool) {
        if self.link.transport == Transport::Stateless && self.link.phase == Phase::Ready {
            return self.listen_for(uri, on);
        }
        if !self.link.offers.subscribe {
            let doing = Browse::Subscribe { uri, on }.doing();
            return self.events.push_back(Event::BrowseFailed {
                error: Error::new(
                    doing,
                    Failure::Unusable("the server does not offer resource subscriptions".into()),
                ),
            });
        }
        let method = if on {
            "resources/subscribe"
        } else {
            "resources/unsubscribe"
        };
        let params = SubscribeRequestParams::new(uri.clone());
        self.send_browse(method, params, Browse::Subscribe { uri, on });
    }

    /// Asks for completions of `argument` of `target` as typed so far (`value`), given the
    /// other arguments already filled in (`context`, 2025-06-18 on). Nothing is asked of a
    /// server that does not offer completions.
    pub(super) fn complete(
        &mut self,
        target: Target,
        argument: String,
        value: String,
        context: Map<String, Value>,
    ) {
        if !self.link.offers.completions {
            return;
        }
        let reference = match &target {
            Target::Prompt(name) => json!({"type": "ref/prompt", "name": name}),
            Target::Template(uri) => json!({"type": "ref/resource", "uri": uri}),
        };
        let mut params = json!({"ref": reference, "argument": {"name": argument, "value": value}});
        if !context.is_empty() {
            params["context"] = json!({"arguments": context});
        }
        self.send_browse(
            "completion/complete",
            params,
            Browse::Complete {
                target,
                argument,
                value,
            },
        );
    }

    pub(super) fn send_browse<P: serde::Serialize>(
        &mut self,
        method: &'static str,
        params: P,
        browse: Browse,
    ) {
        if self.link.phase != Phase::Ready {
            return self.events.push_back(Event::BrowseFailed {
                error: Error::new(browse.doing(), Failure::NotConnected),
            });
        }
        self.send_rpc(method, Some(params), Pending::Browse(browse));
    }

    /// A browse request's result arrived.
    pub(super) fn on_browse_result(&mut self, browse: Browse, result: Value) {
        // 2026-07-28: a read or a prompt may need input first (S26 basic/patterns/mrtr.mdx
        // "Supported Requests"; no other browse request may be answered so).
        let browse = match browse {
            Browse::Read { uri, again } if mrtr::is_input_required(&result) => {
                return self.browse_round(Retried::Read { uri }, again, &result);
            }
            Browse::GetPrompt {
                name,
                arguments,
                again,
            } if mrtr::is_input_required(&result) => {
                return self.browse_round(Retried::Prompt { name, arguments }, again, &result);
            }
            other => other,
        };
        let doing = browse.doing();
        let malformed = |e: String| Event::BrowseFailed {
            error: Error::new(
                doing.clone(),
                Failure::Unusable(format!("its result is malformed: {e}")),
            ),
        };
        let event = match browse {
            Browse::List { listing, pages } => return self.on_page(listing, pages, result),
            Browse::Read { uri, .. } => match offer::contents(&result) {
                Ok(contents) => Event::ResourceRead { uri, contents },
                Err(e) => malformed(e),
            },
            Browse::GetPrompt { name, .. } => match offer::got_prompt(&result) {
                Ok(prompt) => Event::PromptGot { name, prompt },
                Err(e) => malformed(e),
            },
            Browse::Complete {
                target,
                argument,
                value,
            } => match completion_values(&result) {
                Some(values) => Event::Completed {
                    target,
                    argument,
                    value,
                    values,
                },
                None => Event::BrowseFailed {
                    error: Error::new(
                        doing,
                        Failure::Unusable("its result has no completion.values list".into()),
                    ),
                },
            },
            Browse::Subscribe { uri, on } => {
                self.log(
                    LogLevel::Info,
                    if on {
                        format!("Subscribed to updates of {uri}")
                    } else {
                        format!("Unsubscribed from updates of {uri}")
                    },
                );
                Event::Subscribed { uri, on }
            }
        };
        self.events.push_back(event);
    }

    /// A read or a prompt answered with `input_required`: its inputs go to the person, as a
    /// call's do, under an id of its own (the one of its first round, when sent again).
    fn browse_round(&mut self, retried: Retried, again: Option<(CallId, u32)>, result: &Value) {
        let (call, number) = again.unwrap_or_else(|| (self.next_call(), 0));
        let related = RelatedCall {
            call,
            tool: retried.label(),
        };
        self.on_input_required(related, retried, number + 1, result);
    }

    /// One page of a list: the next is asked for, or the whole list reported.
    fn on_page(&mut self, listing: Listing, pages: u32, result: Value) {
        let method = listing.method();
        let next = |cursor: Option<String>| cursor.filter(|_| pages + 1 < MAX_PAGES);
        let decoded = match listing {
            Listing::Resources(mut all) => {
                offer::page(&result, "resources", offer::resource).map(|(page, cursor)| {
                    all.extend(page);
                    (Listing::Resources(all), cursor)
                })
            }
            Listing::Templates(mut all) => {
                offer::page(&result, "resourceTemplates", offer::template).map(|(page, cursor)| {
                    all.extend(page);
                    (Listing::Templates(all), cursor)
                })
            }
            Listing::Prompts(mut all) => {
                offer::page(&result, "prompts", offer::prompt).map(|(page, cursor)| {
                    all.extend(page);
                    (Listing::Prompts(all), cursor)
                })
            }
        };
        let (listing, cursor) = match decoded {
            Ok(decoded) => decoded,
            Err(e) => {
                return self.events.push_back(Event::BrowseFailed {
                    error: Error::new(
                        Doing::Listing(method),
                        Failure::Unusable(format!("a page of the list is malformed: {e}")),
                    ),
                });
            }
        };
        if let Some(cursor) = next(cursor.clone()) {
            return self.request_page(listing, Some(cursor), pages + 1);
        }
        if cursor.is_some() {
            self.log(
                LogLevel::Warning,
                format!("Stopped listing {method} after {MAX_PAGES} pages."),
            );
        }
        self.events.push_back(match listing {
            Listing::Resources(all) => Event::ResourcesListed(all),
            Listing::Templates(all) => Event::ResourceTemplatesListed(all),
            Listing::Prompts(all) => Event::PromptsListed(all),
        });
    }
}

/// The suggestions of a `completion/complete` result (at most 100, strings only).
fn completion_values(result: &Value) -> Option<Vec<String>> {
    let values = result.get("completion")?.get("values")?.as_array()?;
    Some(
        values
            .iter()
            .filter_map(Value::as_str)
            .take(100)
            .map(str::to_owned)
            .collect(),
    )
}
