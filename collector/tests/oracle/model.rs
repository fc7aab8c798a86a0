//! The beacon as the probe sends it (`schema/README.md`), as typed values: the generator
//! builds these, the wire gets [`Beacon::to_json`], and the oracle reads the typed values back
//! (never the collector's parse of them).

use serde_json::{json, Map, Value};

/// What made the probe send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    Hidden,
    Pagehide,
    Submitted,
    Abandoned,
    Expired,
    Rating,
}

impl Trigger {
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::Hidden => "hidden",
            Trigger::Pagehide => "pagehide",
            Trigger::Submitted => "submitted",
            Trigger::Abandoned => "abandoned",
            Trigger::Expired => "expired",
            Trigger::Rating => "rating",
        }
    }

    /// A journey's end: the beacons that speak first for it.
    pub fn is_end(self) -> bool {
        matches!(
            self,
            Trigger::Submitted | Trigger::Abandoned | Trigger::Expired
        )
    }
}

/// How a journey ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Submitted,
    Abandoned,
    Expired,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Submitted => "submitted",
            Outcome::Abandoned => "abandoned",
            Outcome::Expired => "expired",
        }
    }
}

/// Where a field's value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Declared,
    Server,
    Script,
    Autofill,
    User,
    Empty,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Declared => "declared",
            Origin::Server => "server",
            Origin::Script => "script",
            Origin::Autofill => "autofill",
            Origin::User => "user",
            Origin::Empty => "empty",
        }
    }

    /// Filled by the state's side (criterion 1's pre-fill).
    pub fn is_prefill(self) -> bool {
        matches!(self, Origin::Declared | Origin::Server | Origin::Script)
    }

    const ALL: [Origin; 6] = [
        Origin::Declared,
        Origin::Server,
        Origin::Script,
        Origin::Autofill,
        Origin::User,
        Origin::Empty,
    ];
}

/// One step of an ended journey.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub name: String,
    pub ms: i64,
    pub active_ms: i64,
}

/// The journey clock a logged-in journey's beacons carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct JourneyClock {
    pub since_login_ms: i64,
    pub active_ms: i64,
    pub hidden_ms: i64,
    pub blocked_ms: i64,
    pub failed: i64,
}

/// `journey`.
#[derive(Debug, Clone, PartialEq)]
pub struct JourneySection {
    pub id: String,
    pub logged_in: bool,
    /// Only when logged in.
    pub clock: Option<JourneyClock>,
    pub target_s: i64,
    pub outcome: Option<Outcome>,
    pub duration_ms: Option<i64>,
    pub met: Option<bool>,
    pub last_field: Option<String>,
    pub steps: Vec<Step>,
}

/// `page.speed`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Speed {
    pub ttfb_ms: Option<i64>,
    pub server_ms: Option<i64>,
    pub fcp_ms: Option<i64>,
    pub lcp_ms: Option<i64>,
    pub cls_x1000: Option<i64>,
    pub inp_ms: Option<i64>,
    pub inp_field: Option<String>,
    pub long_tasks: i64,
    pub long_task_ms: i64,
}

impl Speed {
    /// Whether any of the six figures the report reads is there.
    pub fn measured(&self) -> bool {
        [
            self.ttfb_ms,
            self.server_ms,
            self.fcp_ms,
            self.lcp_ms,
            self.cls_x1000,
            self.inp_ms,
        ]
        .iter()
        .any(Option::is_some)
    }
}

/// `forms[].fields[]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub key: String,
    pub origin: Origin,
    pub source: Option<String>,
    pub locked: bool,
    pub overwritten: bool,
    pub filled: Option<i64>,
    pub focus_ms: i64,
    pub visits: i64,
    pub hesitation_ms: Option<i64>,
    pub corrections: i64,
    pub pastes: i64,
    pub invalid: i64,
    pub refocus: i64,
}

/// `forms[]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    pub key: String,
    pub attempts: i64,
    pub blocked: i64,
    pub blocked_by: Vec<String>,
    pub fields: Vec<Field>,
}

impl Form {
    /// The form-level count of pre-filled fields (declared, server, script), as the probe
    /// computes it from its fields.
    pub fn prefilled(&self) -> i64 {
        self.fields.iter().filter(|f| f.origin.is_prefill()).count() as i64
    }
}

/// `satisfaction`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rating {
    Score { score: i64, reasons: Vec<String> },
    Dismissed,
}

/// `ua`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ua {
    pub mobile: bool,
    pub browser: &'static str,
    pub major: i64,
}

/// One beacon.
#[derive(Debug, Clone, PartialEq)]
pub struct Beacon {
    pub id: String,
    pub seq: i64,
    pub trigger: Trigger,
    pub service: String,
    pub journey: JourneySection,
    pub page_n: i64,
    pub path: String,
    pub t_ms: i64,
    pub speed: Option<Speed>,
    pub forms: Vec<Form>,
    pub satisfaction: Option<Rating>,
    pub ua: Ua,
}

impl Beacon {
    /// The beacon as sent (the contract's JSON; zero counters and false flags left out).
    pub fn to_json(&self) -> Value {
        let j = &self.journey;
        let mut journey = Map::new();
        journey.insert("id".into(), json!(j.id));
        journey.insert("logged_in".into(), json!(j.logged_in));
        if let Some(c) = j.clock {
            journey.insert("since_login_ms".into(), json!(c.since_login_ms));
            journey.insert("active_ms".into(), json!(c.active_ms));
            journey.insert("hidden_ms".into(), json!(c.hidden_ms));
            journey.insert("blocked_ms".into(), json!(c.blocked_ms));
            journey.insert("failed".into(), json!(c.failed));
        }
        if let Some(o) = j.outcome {
            journey.insert("outcome".into(), json!(o.as_str()));
        }
        if let Some(d) = j.duration_ms {
            journey.insert("duration_ms".into(), json!(d));
        }
        journey.insert("target_s".into(), json!(j.target_s));
        if let Some(f) = &j.last_field {
            journey.insert("last_field".into(), json!(f));
        }
        if let Some(m) = j.met {
            journey.insert("met".into(), json!(m));
        }
        if !j.steps.is_empty() {
            let steps: Vec<Value> = j
                .steps
                .iter()
                .map(|s| json!({"name": s.name, "ms": s.ms, "active_ms": s.active_ms}))
                .collect();
            journey.insert("steps".into(), Value::Array(steps));
        }
        let mut page = Map::new();
        page.insert("n".into(), json!(self.page_n));
        page.insert("path".into(), json!(self.path));
        page.insert("t_ms".into(), json!(self.t_ms));
        if let Some(s) = &self.speed {
            page.insert("speed".into(), speed_json(s));
        }
        let mut beacon = Map::new();
        beacon.insert("v".into(), json!(1));
        beacon.insert("id".into(), json!(self.id));
        beacon.insert("seq".into(), json!(self.seq));
        beacon.insert("trigger".into(), json!(self.trigger.as_str()));
        beacon.insert("service".into(), json!(self.service));
        beacon.insert("journey".into(), Value::Object(journey));
        beacon.insert("page".into(), Value::Object(page));
        if !self.forms.is_empty() {
            beacon.insert("fields".into(), field_counts(&self.forms));
            let forms: Vec<Value> = self.forms.iter().map(form_json).collect();
            beacon.insert("forms".into(), Value::Array(forms));
        }
        if let Some(r) = &self.satisfaction {
            beacon.insert(
                "satisfaction".into(),
                match r {
                    Rating::Dismissed => json!({"answered": false}),
                    Rating::Score { score, reasons } if reasons.is_empty() => {
                        json!({"answered": true, "score": score})
                    }
                    Rating::Score { score, reasons } => {
                        json!({"answered": true, "score": score, "reasons": reasons})
                    }
                },
            );
        }
        beacon.insert(
            "ua".into(),
            json!({"mobile": self.ua.mobile, "browser": self.ua.browser, "major": self.ua.major}),
        );
        Value::Object(beacon)
    }
}

fn speed_json(s: &Speed) -> Value {
    let mut o = Map::new();
    for (name, v) in [
        ("ttfb_ms", s.ttfb_ms),
        ("server_ms", s.server_ms),
        ("fcp_ms", s.fcp_ms),
        ("lcp_ms", s.lcp_ms),
        ("cls_x1000", s.cls_x1000),
        ("inp_ms", s.inp_ms),
    ] {
        if let Some(v) = v {
            o.insert(name.into(), json!(v));
        }
    }
    if let Some(k) = &s.inp_field {
        o.insert("inp_field".into(), json!(k));
    }
    o.insert("long_tasks".into(), json!(s.long_tasks));
    o.insert("long_task_ms".into(), json!(s.long_task_ms));
    Value::Object(o)
}

/// The page-level `fields` counts, from the forms' fields.
fn field_counts(forms: &[Form]) -> Value {
    let all: Vec<&Field> = forms.iter().flat_map(|f| &f.fields).collect();
    let mut o = Map::new();
    o.insert("total".into(), json!(all.len()));
    for origin in Origin::ALL {
        let n = all.iter().filter(|f| f.origin == origin).count();
        o.insert(origin.as_str().into(), json!(n));
    }
    let overwritten = all.iter().filter(|f| f.overwritten).count();
    o.insert("overwritten".into(), json!(overwritten));
    Value::Object(o)
}

fn form_json(form: &Form) -> Value {
    let count = |p: &dyn Fn(&Field) -> bool| form.fields.iter().filter(|f| p(f)).count();
    let mut o = Map::new();
    o.insert("key".into(), json!(form.key));
    o.insert("total".into(), json!(form.fields.len()));
    o.insert("prefilled".into(), json!(form.prefilled()));
    o.insert("typed".into(), json!(count(&|f| f.origin == Origin::User)));
    o.insert("overwritten".into(), json!(count(&|f| f.overwritten)));
    o.insert("attempts".into(), json!(form.attempts));
    o.insert("blocked".into(), json!(form.blocked));
    if !form.blocked_by.is_empty() {
        o.insert("blocked_by".into(), json!(form.blocked_by));
    }
    let fields: Vec<Value> = form.fields.iter().map(field_json).collect();
    o.insert("fields".into(), Value::Array(fields));
    Value::Object(o)
}

fn field_json(f: &Field) -> Value {
    let mut o = Map::new();
    o.insert("key".into(), json!(f.key));
    o.insert("origin".into(), json!(f.origin.as_str()));
    if let Some(s) = &f.source {
        o.insert("source".into(), json!(s));
    }
    if f.locked {
        o.insert("locked".into(), json!(true));
    }
    if f.overwritten {
        o.insert("overwritten".into(), json!(true));
    }
    if let Some(n) = f.filled {
        o.insert("filled".into(), json!(n));
    }
    for (name, v) in [("focus_ms", f.focus_ms), ("visits", f.visits)] {
        if v > 0 {
            o.insert(name.into(), json!(v));
        }
    }
    if let Some(h) = f.hesitation_ms {
        o.insert("hesitation_ms".into(), json!(h));
    }
    for (name, v) in [
        ("corrections", f.corrections),
        ("pastes", f.pastes),
        ("invalid", f.invalid),
        ("refocus", f.refocus),
    ] {
        if v > 0 {
            o.insert(name.into(), json!(v));
        }
    }
    Value::Object(o)
}
