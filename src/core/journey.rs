//! The journey: one citizen's way through one service, from login to successful submission
//! (QCVN criterion 2, "under 5 minutes").
//!
//! A journey outlives the page: the shell stores it in `sessionStorage` (per tab) after every
//! change, as the short text [`Journey::encode`] writes, and hands it back on the next page
//! load, where [`Journey::decode`] checks it and [`Journey::resume`] decides whether the new
//! page continues it or starts the next one. (A hand-written codec rather than serde: serde's
//! deserializer would add ~10 KB of float formatting to the wasm for a seven-field record.)

use crate::core::prelude::*;

use crate::core::clock::JourneyClock;
use crate::core::config::ServiceCode;
use crate::core::ids::JourneyId;
use crate::core::survey::SurveyState;
use crate::core::text::{join, number};
use crate::core::time::round_ms;

/// A journey as stored between pages. Times are wall-clock milliseconds since the Unix epoch;
/// they stay in the tab and never go into a beacon (beacons carry rounded differences).
#[derive(Clone, Debug, PartialEq)]
pub struct Journey {
    /// Random id.
    pub id: JourneyId,
    /// The service the journey belongs to.
    pub service: ServiceCode,
    /// When the citizen logged in (the journey clock's start), if they have.
    pub login_at: Option<f64>,
    /// When the dossier was submitted successfully, once it has been.
    pub submitted_at: Option<f64>,
    /// Sequence number of the next beacon.
    pub next_seq: u32,
    /// Page views so far; the current page view's index is `pages - 1`.
    pub pages: u32,
    /// Keys of the fields the citizen has typed in during this journey (at most
    /// [`MAX_TYPED_KEYS`]): when the server shows a form again it echoes these values, and
    /// they are the citizen's, not pre-filled. Field keys, never values.
    pub typed: Vec<String>,
    /// The journey clock: time since login, active, hidden, blocked.
    pub clock: JourneyClock,
    /// Scrubbed path of the last page view: where an abandoned journey stopped.
    pub last_path: String,
    /// Key of the last field the citizen touched.
    pub last_field: Option<String>,
    /// The steps finished so far (at most [`MAX_STEPS`]; later ones are merged into the last).
    pub steps: Vec<Step>,
    /// The satisfaction question of the journey it concerns (this one, or `survey_of`).
    pub survey: SurveyState,
    /// The submitted journey the question concerns when it is not this one (the page after a
    /// submission already belongs to the next journey).
    pub survey_of: Option<JourneyId>,
    /// The last page was left by a form submission (its successor is the server's answer).
    pub via_submit: bool,
    /// The citizen logged in during an earlier journey of this tab (one that was submitted,
    /// expired, abandoned, or belonged to another service), and this one has not begun yet: it
    /// begins — the clock counting from the start of that page view — when the citizen does
    /// something that belongs to a journey (see [`Journey::begin`]). Until then the journey
    /// says it is not logged in, and it cannot be abandoned or submitted: a receipt or home
    /// page loaded after a submission is not a journey.
    pub signed_in: bool,
}

/// Most steps a journey keeps one by one.
pub const MAX_STEPS: usize = 40;

/// One finished step: a page view, an in-page view, or a step the portal marked.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// The step's scrubbed path, or the name the portal gave it.
    pub name: String,
    /// Its share of the time since login, in milliseconds.
    pub ms: f64,
    /// Of it, the page was visible and focused.
    pub active_ms: f64,
}

/// Most field keys a journey remembers as typed by the citizen.
pub const MAX_TYPED_KEYS: usize = 200;

/// How a stored journey relates to the page now loading.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resumed {
    /// No journey was stored: a new one starts, not logged in.
    Fresh,
    /// The stored journey goes on.
    Continued,
    /// The stored journey ended with a submission: the next one starts, its clock running from
    /// that submission (the citizen is still logged in).
    AfterSubmission,
    /// The page belongs to another service: a new journey starts for it, logged in if the
    /// previous one was, its clock running from now.
    OtherService,
}

/// First field of the stored text: the version of its format.
const FORMAT: &str = "4";
/// The previous formats, still read: 3 (no `signed_in`), 2 (no satisfaction question either).
const FORMAT_3: &str = "3";
const FORMAT_2: &str = "2";
/// Separates the typed field keys in the stored text.
const KEY_SEPARATOR: char = ',';

impl Journey {
    /// The journey as stored in the tab:
    /// `4;id;service;login;submitted;seq;pages;typed;running;elapsed;active;hidden;blocked;anchor;failed;last_path;last_field;steps;survey;survey_of;via_submit;signed_in`,
    /// times as whole milliseconds or `-` when absent, typed keys separated by `,` with `%`,
    /// `;` and `,` percent-escaped.
    pub fn encode(&self) -> String {
        let time = |t: Option<f64>| t.map_or_else(|| "-".to_string(), whole);
        join(
            [
                FORMAT.to_string(),
                self.id.as_str().to_string(),
                self.service.as_str().to_string(),
                time(self.login_at),
                time(self.submitted_at),
                number(self.next_seq.into()),
                number(self.pages.into()),
                join(self.typed.iter().map(|k| escape_key(k)), ","),
                number(self.clock.running.into()),
                whole(self.clock.elapsed_ms),
                whole(self.clock.active_ms),
                whole(self.clock.hidden_ms),
                whole(self.clock.blocked_ms),
                whole(self.clock.anchor_epoch),
                number(self.clock.failed.into()),
                escape_key(&self.last_path),
                self.last_field
                    .as_deref()
                    .map(escape_key)
                    .unwrap_or_default(),
                join(
                    self.steps
                        .iter()
                        .map(|s| join([escape_key(&s.name), whole(s.ms), whole(s.active_ms)], "|")),
                    ",",
                ),
                self.survey.as_char().to_string(),
                self.survey_of
                    .as_ref()
                    .map(|id| id.as_str().to_string())
                    .unwrap_or_default(),
                number(self.via_submit.into()),
                number(self.signed_in.into()),
            ],
            ";",
        )
    }

    /// Reads back what [`Journey::encode`] wrote; anything else (another format version, a
    /// value edited by hand, a truncated write) is `None`: the tab then starts afresh.
    pub fn decode(text: &str) -> Option<Journey> {
        let mut parts = text.split(';');
        let mut next = || parts.next();
        let format = next()?;
        if format != FORMAT && format != FORMAT_3 && format != FORMAT_2 {
            return None;
        }
        let id = JourneyId::try_from(next()?.to_string()).ok()?;
        let service = ServiceCode::parse(next()?)?;
        let time = |s: &str| -> Option<Option<f64>> {
            match s {
                "-" => Some(None),
                digits => digits.parse::<u64>().ok().map(|t| Some(t as f64)),
            }
        };
        let login_at = time(next()?)?;
        let submitted_at = time(next()?)?;
        let next_seq = next()?.parse().ok()?;
        let pages = next()?.parse().ok()?;
        let typed = match next()? {
            "" => Vec::new(),
            keys => keys
                .split(KEY_SEPARATOR)
                .take(MAX_TYPED_KEYS)
                .map(unescape_key)
                .collect::<Option<Vec<_>>>()?,
        };
        let running = match next()? {
            "0" => false,
            "1" => true,
            _ => return None,
        };
        let mut ms = || next()?.parse::<u64>().ok().map(|v| v as f64);
        let clock = JourneyClock {
            running,
            elapsed_ms: ms()?,
            active_ms: ms()?,
            hidden_ms: ms()?,
            blocked_ms: ms()?,
            anchor_epoch: ms()?,
            failed: next()?.parse().ok()?,
        };
        let last_path = unescape_key(next()?).unwrap_or_default();
        let last_field = unescape_key(next()?);
        let steps = match next()? {
            "" => Vec::new(),
            steps => steps
                .split(KEY_SEPARATOR)
                .take(MAX_STEPS)
                .map(|step| {
                    let mut parts = step.split('|');
                    let name = unescape_key(parts.next()?)?;
                    let ms = parts.next()?.parse::<u64>().ok()? as f64;
                    let active_ms = parts.next()?.parse::<u64>().ok()? as f64;
                    parts.next().is_none().then_some(Step {
                        name,
                        ms,
                        active_ms,
                    })
                })
                .collect::<Option<Vec<_>>>()?,
        };
        let (survey, survey_of, via_submit) = if format != FORMAT_2 {
            let mut state = next()?.chars();
            let survey = SurveyState::from_char(state.next()?)?;
            let survey_of = match next()? {
                "" => None,
                id => Some(JourneyId::try_from(id.to_string()).ok()?),
            };
            (survey, survey_of, next()? == "1")
        } else {
            (SurveyState::NotAsked, None, false)
        };
        let signed_in = format == FORMAT && next()? == "1";
        if next().is_some() {
            return None;
        }
        Some(Journey {
            survey,
            survey_of,
            via_submit,
            signed_in,
            id,
            service,
            login_at,
            submitted_at,
            next_seq,
            pages,
            typed,
            clock,
            last_path,
            last_field,
            steps,
        })
    }

    /// Adds a finished step; past [`MAX_STEPS`], its time goes into the last one kept.
    pub fn add_step(&mut self, step: Step) {
        if self.steps.len() < MAX_STEPS {
            self.steps.push(step);
        } else if let Some(last) = self.steps.last_mut() {
            last.ms += step.ms;
            last.active_ms += step.active_ms;
        }
    }

    /// Remembers that the citizen typed in the field with this key.
    pub fn typed_in(&mut self, key: &str) {
        if self.typed.len() < MAX_TYPED_KEYS && !self.typed.iter().any(|k| k == key) {
            self.typed.push(key.to_string());
        }
    }

    /// Decides the journey of a page that is loading, from what the tab stored (if anything),
    /// and counts the page view. `fresh_id` is used only if a new journey starts.
    pub fn resume(
        stored: Option<Journey>,
        service: &ServiceCode,
        fresh_id: JourneyId,
    ) -> (Journey, Resumed) {
        let fresh = |login_at: Option<f64>, anchor_epoch: f64| Journey {
            id: fresh_id.clone(),
            service: service.clone(),
            login_at,
            submitted_at: None,
            next_seq: 0,
            pages: 0,
            typed: Vec::new(),
            clock: JourneyClock {
                running: login_at.is_some(),
                anchor_epoch,
                ..JourneyClock::default()
            },
            last_path: String::new(),
            last_field: None,
            steps: Vec::new(),
            survey: SurveyState::NotAsked,
            survey_of: None,
            via_submit: false,
            signed_in: false,
        };
        let (mut journey, how) = match stored {
            None => (fresh(None, 0.0), Resumed::Fresh),
            // The next journey waits for the citizen to begin it; the satisfaction question,
            // if still to come, concerns the submitted one.
            Some(old) if old.submitted_at.is_some() => (
                Journey {
                    survey: old.survey,
                    survey_of: Some(old.survey_of.clone().unwrap_or_else(|| old.id.clone())),
                    signed_in: old.login_at.is_some() || old.signed_in,
                    ..fresh(None, 0.0)
                },
                Resumed::AfterSubmission,
            ),
            // Another service's journey too.
            Some(old) if &old.service != service => (
                Journey {
                    signed_in: old.login_at.is_some() || old.signed_in,
                    ..fresh(None, 0.0)
                },
                Resumed::OtherService,
            ),
            Some(old) => (old, Resumed::Continued),
        };
        journey.pages = journey.pages.saturating_add(1);
        (journey, how)
    }

    /// Starts the journey clock; a second login (re-authentication) keeps the first time.
    /// Returns whether anything changed.
    pub fn login(&mut self, now: f64) -> bool {
        if self.login_at.is_some() || self.submitted_at.is_some() {
            return false;
        }
        self.login_at = Some(now);
        self.signed_in = false;
        true
    }

    /// Whether the journey waits for the citizen to begin it (see [`Journey::signed_in`]).
    pub fn waiting(&self) -> bool {
        self.signed_in && self.login_at.is_none()
    }

    /// Begins a waiting journey, its clock counting from `view_start` (wall clock): the
    /// citizen did something that belongs to a journey on the page view that began then.
    /// What it remembered of the pages before (their empty steps, a field focused) belongs to
    /// no journey and is dropped. Returns whether it began.
    pub fn begin(&mut self, view_start: f64) -> bool {
        if !self.waiting() {
            return false;
        }
        self.steps.clear();
        self.last_field = None;
        self.login(view_start)
    }

    /// Ends the journey with a successful submission. Returns `false` if it had already ended
    /// (a receipt page reloaded must not end it twice) or has not begun (a receipt page loaded
    /// again after the submission belongs to the next journey, which the citizen has not
    /// begun).
    pub fn submit(&mut self, now: f64) -> bool {
        if self.submitted_at.is_some() || self.waiting() {
            return false;
        }
        self.submitted_at = Some(now);
        true
    }

    /// Takes the next beacon sequence number.
    pub fn take_seq(&mut self) -> u32 {
        let seq = self.next_seq;
        self.next_seq = self.next_seq.saturating_add(1);
        seq
    }

    /// Index of the current page view within the journey.
    pub fn page_index(&self) -> u32 {
        self.pages.saturating_sub(1)
    }

    /// Time since login by the journey clock, rounded, if the citizen has logged in. It stops
    /// at the submission.
    pub fn since_login_ms(&self) -> Option<u64> {
        self.login_at.map(|_| round_ms(self.clock.elapsed_ms))
    }

    /// Login to successful submission by the journey clock, rounded, once both happened.
    pub fn duration_ms(&self) -> Option<u64> {
        match (self.login_at, self.submitted_at) {
            (Some(_), Some(_)) => Some(round_ms(self.clock.elapsed_ms)),
            _ => None,
        }
    }
}

fn whole(ms: f64) -> String {
    number(ms.max(0.0) as u64)
}

fn escape_key(key: &str) -> String {
    key.replace('%', "%25")
        .replace(';', "%3B")
        .replace(',', "%2C")
}

fn unescape_key(text: &str) -> Option<String> {
    let mut key = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('%') {
        key.push_str(rest.get(..at)?);
        let code = rest.get(at + 1..at + 3);
        let c = match code {
            Some("2C") => ',',
            Some("3B") => ';',
            Some("25") => '%',
            _ => {
                key.push('%');
                rest = rest.get(at + 1..)?;
                continue;
            }
        };
        key.push(c);
        rest = rest.get(at + 3..)?;
    }
    key.push_str(rest);
    (!key.is_empty()).then_some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(code: &str) -> ServiceCode {
        ServiceCode::parse(code).unwrap()
    }

    fn id(n: u8) -> JourneyId {
        JourneyId::from_random([n; 16])
    }

    const T0: f64 = 1_795_000_000_000.0;

    #[test]
    fn a_journey_runs_from_login_to_submission_across_pages() {
        let (mut j, how) = Journey::resume(None, &service("1.001234"), id(1));
        assert_eq!(how, Resumed::Fresh);
        assert_eq!((j.page_index(), j.since_login_ms()), (0, None));
        assert!(j.login(T0 + 1_000.0));
        assert!(
            !j.login(T0 + 2_000.0),
            "a second login keeps the first time"
        );

        let (mut j, how) = Journey::resume(Some(j), &service("1.001234"), id(2));
        assert_eq!(how, Resumed::Continued);
        assert_eq!(j.id, id(1));
        assert_eq!(j.page_index(), 1);
        j.clock.elapsed_ms = 240_040.0; // what the journey clock counted (see core::clock)
        assert_eq!(j.since_login_ms(), Some(240_000));

        assert!(j.submit(T0 + 241_000.0));
        assert!(
            !j.submit(T0 + 250_000.0),
            "a reloaded receipt does not end it twice"
        );
        assert_eq!(j.duration_ms(), Some(240_000));
    }

    #[test]
    fn the_next_journey_waits_for_the_citizen_after_a_submission() {
        let (mut j, _) = Journey::resume(None, &service("1.001234"), id(1));
        j.login(T0);
        j.submit(T0 + 100_000.0);
        let (mut next, how) = Journey::resume(Some(j), &service("1.001234"), id(2));
        assert_eq!(how, Resumed::AfterSubmission);
        assert_eq!(next.id, id(2));
        assert_eq!(
            (
                next.login_at,
                next.submitted_at,
                next.next_seq,
                next.page_index()
            ),
            (None, None, 0, 0),
            "not logged in: the receipt page is no journey"
        );
        assert!(next.waiting());
        assert!(
            !next.submit(T0 + 110_000.0),
            "the receipt reloaded submits nothing"
        );
        next.add_step(Step {
            name: "/bien-nhan".into(),
            ms: 0.0,
            active_ms: 0.0,
        });
        assert!(next.begin(T0 + 200_000.0), "the citizen began another one");
        assert!(!next.begin(T0 + 300_000.0), "once");
        assert_eq!(
            (next.login_at, next.waiting(), next.steps.len()),
            (Some(T0 + 200_000.0), false, 0)
        );
        assert!(next.submit(T0 + 400_000.0));
    }

    #[test]
    fn another_service_starts_another_journey() {
        let (mut j, _) = Journey::resume(None, &service("1.001234"), id(1));
        j.login(T0);
        let (next, how) = Journey::resume(Some(j), &service("2.002154"), id(2));
        assert_eq!(how, Resumed::OtherService);
        assert_eq!(
            (next.id.clone(), next.login_at, next.waiting()),
            (id(2), None, true),
            "it begins when the citizen does something on it"
        );

        let (anonymous, _) = Journey::resume(None, &service("1.001234"), id(3));
        let (next, _) = Journey::resume(Some(anonymous), &service("2.002154"), id(4));
        assert_eq!(next.login_at, None, "not logged in stays not logged in");
        assert!(!next.waiting());
    }

    #[test]
    fn sequence_numbers_increase_across_pages() {
        let (mut j, _) = Journey::resume(None, &service("1"), id(1));
        assert_eq!((j.take_seq(), j.take_seq()), (0, 1));
        let (mut j, _) = Journey::resume(Some(j), &service("1"), id(2));
        assert_eq!(j.take_seq(), 2);
    }

    #[test]
    fn the_stored_text_round_trips() {
        let (mut j, _) = Journey::resume(None, &service("1.001234"), id(9));
        assert_eq!(Journey::decode(&j.encode()), Some(j.clone()));
        j.login(T0 + 1_000.0);
        j.submit(T0 + 250_000.0);
        j.take_seq();
        j.typed_in("so_dien_thoai");
        j.typed_in("a;b,c%d");
        j.typed_in("so_dien_thoai");
        j.add_step(Step {
            name: "/dang-nhap".into(),
            ms: 3_000.0,
            active_ms: 2_000.0,
        });
        let text = j.encode();
        assert_eq!(
            text,
            "4;0909a9090d0909a9090d0909a9090d09;1.001234;1795000001000;1795000250000;1;1;so_dien_thoai,a%3Bb%2Cc%25d;0;0;0;0;0;0;0;;;/dang-nhap|3000|2000;n;;0;0"
        );
        assert_eq!(Journey::decode(&text), Some(j.clone()));
        // Journeys stored by the previous versions still read: format 3 (not waiting), and
        // format 2 (not yet asked).
        let three = text.replacen("4;", "3;", 1);
        let three = three.strip_suffix(";0").unwrap();
        assert_eq!(Journey::decode(three), Some(j.clone()));
        let two = three
            .replacen("3;", "2;", 1)
            .trim_end_matches(";n;;0")
            .to_string();
        assert_eq!(Journey::decode(&two), Some(j.clone()));
        let mut waiting = j.clone();
        waiting.signed_in = true;
        assert_eq!(Journey::decode(&waiting.encode()), Some(waiting.clone()));
        // The page after a submission belongs to the next journey; the question still
        // concerns the submitted one, and survives the next page too.
        j.survey = SurveyState::Shown;
        let (next, how) = Journey::resume(Some(j.clone()), &service("1.001234"), id(3));
        assert_eq!(how, Resumed::AfterSubmission);
        assert_eq!(
            (next.survey, next.survey_of.clone()),
            (SurveyState::Shown, Some(j.id.clone()))
        );
        assert_eq!(Journey::decode(&next.encode()), Some(next.clone()));
        let (again, _) = Journey::resume(Some(next.clone()), &service("1.001234"), id(4));
        assert_eq!(again.survey_of, next.survey_of);
    }

    #[test]
    fn damaged_stored_text_is_no_journey() {
        let good = "2;0909a9090d0909a9090d0909a9090d09;1.001234;-;-;0;1;;1;5000;4000;1000;0;1795000005000;2;/dich-vu/1.001234/buoc-1;so_dien_thoai;/a|1|1,xac-nhan|200|100";
        assert!(Journey::decode(good).is_some());
        for bad in [
            "",
            "1;0909a9090d0909a9090d0909a9090d09;1.001234;-;-;0;1;",
            "2;0909a9090d0909a9090d0909a9090d09;1.001234;-;-;0;1;;2;0;0;0;0;0;0;;;",
            "2;0909a9090d0909a9090d0909a9090d09;1.001234;-;-;0;1;;1;-5;0;0;0;0;0;;;",
            "2;0909a9090d0909a9090d0909a9090d09;1.001234;-;-;0;1;;1;5;0;0;0;0;x;;;",
            "2;0909a9090d0909a9090d0909a9090d09;1.001234;-;-;0;1;;1;5;0;0;0;0;0;;;/a|1",
            "2;0909a9090d0909a9090d0909a9090d09;1.001234;-;-;0;1;;1;5;0;0;0;0;0;;;/a|1|1|1",
            "1;0909;1.001234;-;-;0;1;",
            "1;0909a9090d0909a9090d0909a9090d09;dịch vụ;-;-;0;1;",
            "1;0909a9090d0909a9090d0909a9090d09;1.001234;x;-;0;1;",
            "1;0909a9090d0909a9090d0909a9090d09;1.001234;-;-;-1;1;",
            "1;0909a9090d0909a9090d0909a9090d09;1.001234;-;-;0;1",
            "1;0909a9090d0909a9090d0909a9090d09;1.001234;-;-;0;1;a,,b",
            "1;0909a9090d0909a9090d0909a9090d09;1.001234;-;-;0;1;;extra",
            "{\"id\":\"0909a9090d0909a9090d0909a9090d09\"}",
        ] {
            assert_eq!(Journey::decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn typed_keys_are_bounded() {
        let (mut j, _) = Journey::resume(None, &service("1"), id(1));
        for i in 0..(MAX_TYPED_KEYS + 50) {
            j.typed_in(&format!("f{i}"));
        }
        assert_eq!(j.typed.len(), MAX_TYPED_KEYS);
        assert_eq!(
            Journey::decode(&j.encode()).unwrap().typed.len(),
            MAX_TYPED_KEYS
        );
    }
}
