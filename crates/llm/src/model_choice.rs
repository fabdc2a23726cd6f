//! Which model answers a sampling request: the server's hints matched against the person's
//! models (substring, in order), then the cost / speed / intelligence priorities weighed
//! against per-model scores, then the person's first model, then the provider's default —
//! always with the reason, which the dialog shows.

use serde_json::Value;

/// How a model rates on the three priorities, each 0..1 (higher = cheaper / faster / smarter).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ModelScores {
    pub cost: f64,
    pub speed: f64,
    pub intelligence: f64,
}

/// Sensible defaults for well-known model families; the person can override them.
pub fn default_scores(model: &str) -> ModelScores {
    let m = model.to_ascii_lowercase();
    let small = [
        "mini", "nano", "haiku", "flash", "8b", "7b", "3b", "1b", "small", "lite",
    ];
    let large = [
        "opus", "-pro", "gpt-4.1", "gpt-5", "o1", "o3", "70b", "405b", "large", "sonnet",
    ];
    if small.iter().any(|s| m.contains(s)) {
        ModelScores {
            cost: 0.9,
            speed: 0.9,
            intelligence: 0.4,
        }
    } else if large.iter().any(|s| m.contains(s)) {
        ModelScores {
            cost: 0.3,
            speed: 0.4,
            intelligence: 0.9,
        }
    } else {
        ModelScores {
            cost: 0.6,
            speed: 0.6,
            intelligence: 0.6,
        }
    }
}

/// The model chosen and why.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelChoice {
    pub model: String,
    pub reason: String,
}

/// Chooses among `models` (the person's, in order) for `preferences` (`modelPreferences`
/// JSON, if the server sent any); `scores` gives a model's ratings.
pub fn choose(
    preferences: Option<&Value>,
    models: &[String],
    default_model: &str,
    scores: impl Fn(&str) -> ModelScores,
) -> ModelChoice {
    let hints: Vec<String> = preferences
        .and_then(|p| p.get("hints"))
        .and_then(Value::as_array)
        .map(|h| {
            h.iter()
                .filter_map(|x| x.get("name").and_then(Value::as_str))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    for hint in &hints {
        let needle = hint.to_ascii_lowercase();
        if let Some(model) = models
            .iter()
            .find(|m| m.to_ascii_lowercase().contains(&needle))
        {
            return ModelChoice {
                model: model.clone(),
                reason: format!("the server's hint \"{hint}\" matches {model}"),
            };
        }
    }
    let priority = |key: &str| {
        preferences
            .and_then(|p| p.get(key))
            .and_then(Value::as_f64)
            .map(|v| v.clamp(0.0, 1.0))
    };
    let (cost, speed, intelligence) = (
        priority("costPriority"),
        priority("speedPriority"),
        priority("intelligencePriority"),
    );
    let no_hint = if hints.is_empty() {
        String::new()
    } else {
        format!("no hint ({}) matches your models; ", hints.join(", "))
    };
    if models.len() > 1 && (cost.is_some() || speed.is_some() || intelligence.is_some()) {
        let weigh = |m: &str| {
            let s = scores(m);
            cost.unwrap_or(0.0) * s.cost
                + speed.unwrap_or(0.0) * s.speed
                + intelligence.unwrap_or(0.0) * s.intelligence
        };
        let best = models
            .iter()
            .fold(None::<(&String, f64)>, |best, m| {
                let w = weigh(m);
                match best {
                    Some((_, bw)) if bw >= w => best,
                    _ => Some((m, w)),
                }
            })
            .expect("two or more models");
        return ModelChoice {
            model: best.0.clone(),
            reason: format!(
                "{no_hint}priorities cost {:.1}, speed {:.1}, intelligence {:.1} favour {} (score {:.2})",
                cost.unwrap_or(0.0),
                speed.unwrap_or(0.0),
                intelligence.unwrap_or(0.0),
                best.0,
                best.1
            ),
        };
    }
    match models.first() {
        Some(first) => ModelChoice {
            model: first.clone(),
            reason: format!("{no_hint}your first model"),
        },
        None => ModelChoice {
            model: default_model.to_owned(),
            reason: format!("{no_hint}the provider's default (no models configured)"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn models(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_first_hint_that_matches_wins_over_priorities() {
        let prefs = json!({"hints": [{"name": "sonnet"}, {"name": "gpt-4o"}], "costPriority": 1.0});
        let c = choose(
            Some(&prefs),
            &models(&["gpt-4o-mini", "claude-sonnet-4"]),
            "d",
            default_scores,
        );
        assert_eq!(c.model, "claude-sonnet-4");
        assert!(c.reason.contains("\"sonnet\""), "{}", c.reason);
        let c = choose(
            Some(&prefs),
            &models(&["gpt-4o-mini", "x"]),
            "d",
            default_scores,
        );
        assert_eq!(c.model, "gpt-4o-mini", "hints are substrings, in order");
    }

    #[test]
    fn priorities_weigh_scores_when_no_hint_matches() {
        let prefs = json!({"hints": [{"name": "nothing-like-it"}], "costPriority": 0.9, "intelligencePriority": 0.1});
        let c = choose(
            Some(&prefs),
            &models(&["claude-opus-4", "gpt-4o-mini"]),
            "d",
            default_scores,
        );
        assert_eq!(c.model, "gpt-4o-mini");
        assert!(
            c.reason.contains("no hint") && c.reason.contains("priorities"),
            "{}",
            c.reason
        );
        let smart = json!({"intelligencePriority": 1.0});
        let c = choose(
            Some(&smart),
            &models(&["gpt-4o-mini", "claude-opus-4"]),
            "d",
            default_scores,
        );
        assert_eq!(c.model, "claude-opus-4");
        let custom = |m: &str| {
            if m == "a" {
                ModelScores {
                    cost: 0.0,
                    speed: 0.0,
                    intelligence: 1.0,
                }
            } else {
                default_scores(m)
            }
        };
        assert_eq!(
            choose(Some(&smart), &models(&["gpt-4o-mini", "a"]), "d", custom).model,
            "a"
        );
    }

    #[test]
    fn falls_back_to_the_first_model_then_the_default() {
        assert_eq!(
            choose(None, &models(&["m1", "m2"]), "d", default_scores).model,
            "m1"
        );
        let c = choose(None, &[], "gpt-4o-mini", default_scores);
        assert_eq!(c.model, "gpt-4o-mini");
        assert!(c.reason.contains("default"));
    }
}
