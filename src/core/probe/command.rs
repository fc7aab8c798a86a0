//! The portal's commands (`JourneyProbe.push([...])` and the methods of `JourneyProbe`):
//! their names, parsing them with a message that says what is accepted, and applying them —
//! login, submission, expiry, marks, another service, the satisfaction question.

use crate::core::prelude::*;

use super::{Now, Probe};
use crate::core::beacon::{Beacon, JourneySection, Outcome, Trigger};
use crate::core::config::ServiceCode;
use crate::core::ids::JourneyId;
use crate::core::journey::Journey;
use crate::core::sentences::{CONSENT_COMMAND, MARK, SET_SERVICE};
use crate::core::survey::{Rating, SurveyState, RATE_ACCEPTED};
use crate::core::text::concat;
use ::core::fmt;

/// A call a portal makes through `JourneyProbe.push([...])` or a method of `JourneyProbe`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// The citizen has logged in: the journey clock starts.
    Login,
    /// The dossier was submitted successfully: the journey ends.
    Submitted,
    /// A step of the portal's own naming begins (`JourneyProbe.mark('xac-nhan')`).
    Mark(String),
    /// The page now serves another service (a catalogue page hosting several).
    SetService(ServiceCode),
    /// The portal ended the journey without a submission (the citizen's session or draft
    /// dossier expired): it is reported at once as `expired`.
    Expired,
    /// The citizen gave (`true`) or withdrew (`false`) consent, for `data-consent="required"`.
    Consent(bool),
    /// The citizen opted out: the probe stops and forgets everything it stored.
    OptOut,
    /// The portal asks the satisfaction question now (`JourneyProbe.askSatisfaction()`).
    AskSatisfaction,
    /// The citizen's rating, from the probe's question or the portal's own survey
    /// (`JourneyProbe.rate(n, reasons)`).
    Rate(Rating),
    /// The probe's question was shown (sent by the loader's survey, never by portals).
    SurveyShown,
}

/// Longest step name `mark` accepts.
pub const MAX_STEP_NAME: usize = 64;

/// A command name the probe does not know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownCommand(pub String);

impl UnknownCommand {
    /// The sentence the console shows: what was refused, and what is accepted. Written without
    /// `core::fmt`, which the wasm does without.
    pub fn message(&self) -> String {
        let name: String = self.0.chars().take(40).collect();
        match name.as_str() {
            "mark" => MARK.to_string(),
            "consent" => CONSENT_COMMAND.to_string(),
            "rate" => RATE_ACCEPTED.to_string(),
            "setService" => SET_SERVICE.to_string(),
            _ => concat(&[
                "unknown command \"",
                &name,
                "\": accepted commands are ",
                &crate::core::text::join(Command::NAMES, ", "),
            ]),
        }
    }
}

impl fmt::Display for UnknownCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl Command {
    /// Every command name, as portals write them.
    pub const NAMES: [&'static str; 9] = [
        "login",
        "submitted",
        "mark",
        "setService",
        "expired",
        "consent",
        "optOut",
        "askSatisfaction",
        "rate",
    ];

    /// Parses a command and its argument (`mark` and `setService` need one). The error names
    /// the command and what it accepts.
    pub fn parse(name: &str, arg: Option<&str>) -> Result<Command, UnknownCommand> {
        let refused = || UnknownCommand(name.to_string());
        match name {
            "login" => Ok(Command::Login),
            "submitted" => Ok(Command::Submitted),
            "expired" => Ok(Command::Expired),
            "optOut" => Ok(Command::OptOut),
            "askSatisfaction" => Ok(Command::AskSatisfaction),
            "surveyShown" => Ok(Command::SurveyShown),
            "rate" => arg
                .and_then(Rating::parse)
                .map(Command::Rate)
                .ok_or_else(refused),
            "consent" => match arg {
                Some("true") => Ok(Command::Consent(true)),
                Some("false") => Ok(Command::Consent(false)),
                _ => Err(refused()),
            },
            "mark" => arg
                .filter(|a| {
                    a.len() <= MAX_STEP_NAME
                        && a.bytes()
                            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
                        && crate::core::field::developer_key(a).is_some()
                })
                .map(|a| Command::Mark(a.to_string()))
                .ok_or_else(refused),
            "setService" => arg
                .and_then(ServiceCode::parse)
                .map(Command::SetService)
                .ok_or_else(refused),
            _ => Err(refused()),
        }
    }
}

impl Probe {
    /// Applies a command. Returns the beacon to send at once, if the command calls for one
    /// (a successful submission is reported immediately: the citizen may close the tab next).
    pub fn command(&mut self, command: Command, now: Now, beacon_id: [u8; 8]) -> Option<Beacon> {
        self.tick(now);
        self.last_activity = self.last_activity.max(now.epoch_ms);
        match command {
            Command::Mark(name) => {
                self.act(now);
                self.end_step(now);
                self.begin_step(name);
                None
            }
            Command::SetService(code) => {
                self.set_service(code, now, self.pending_journey_id);
                None
            }
            // The shell's business: they concern storage and delivery, not the journey.
            Command::Consent(_) | Command::OptOut => None,
            Command::AskSatisfaction => {
                self.survey_requested = true;
                None
            }
            Command::SurveyShown => {
                if self.journey.survey == SurveyState::NotAsked {
                    self.journey.survey = SurveyState::Shown;
                }
                None
            }
            Command::Rate(rating) => self.rate(rating, now, beacon_id),
            Command::Login => {
                if self.journey.login(now.epoch_ms) {
                    self.page_clock.start(&mut self.journey.clock, now.page_ms);
                }
                None
            }
            Command::Expired => {
                if !self.open_journey() {
                    return None; // nothing under way to expire
                }
                self.end_step(now);
                self.page_clock.stop(&mut self.journey.clock, now.page_ms);
                let mut beacon = self.beacon(Trigger::Expired, now, beacon_id);
                beacon.journey.outcome = Some(Outcome::Expired);
                beacon.journey.steps = self.journey.steps.clone();
                beacon.journey.last_field = self.journey.last_field.clone();
                // The next page starts the next journey, as after a submission, but logged out.
                let (next, _) = Journey::resume(
                    None,
                    &self.config.service,
                    JourneyId::from_random(self.pending_journey_id),
                );
                self.journey = Journey {
                    last_path: self.path.clone(),
                    ..next
                };
                self.begin_step(self.path.clone());
                self.view_start = now;
                Some(beacon)
            }
            Command::Submitted => {
                if !self.journey.submit(now.epoch_ms) {
                    return None;
                }
                self.end_step(now);
                self.page_clock.stop(&mut self.journey.clock, now.page_ms);
                // The question now concerns this journey, the latest submitted.
                self.journey.survey = SurveyState::NotAsked;
                self.journey.survey_of = None;
                let mut beacon = self.beacon(Trigger::Submitted, now, beacon_id);
                beacon.journey.steps = self.journey.steps.clone();
                Some(beacon)
            }
        }
    }

    /// Whether the satisfaction question should be shown now: asked by the portal, or
    /// `data-survey="on"` and a journey submitted; never twice for a journey.
    pub fn survey_due(&self) -> bool {
        let submitted = self.journey.submitted_at.is_some() || self.journey.survey_of.is_some();
        self.journey.survey == SurveyState::NotAsked
            && (self.survey_requested || (self.config.survey && submitted))
    }

    /// Records a rating (once per journey) and returns its beacon: the journey it concerns
    /// (the submitted one), the page it was given on, the score or the dismissal.
    pub(super) fn rate(&mut self, rating: Rating, now: Now, beacon_id: [u8; 8]) -> Option<Beacon> {
        if !self.journey.survey.open() {
            return None; // answered or dismissed already
        }
        self.journey.survey = match rating {
            Rating::Dismissed => SurveyState::Dismissed,
            Rating::Score { .. } => SurveyState::Answered,
        };
        self.survey_requested = false;
        let mut beacon = self.beacon(Trigger::Rating, now, beacon_id);
        if let Some(of) = &self.journey.survey_of {
            beacon.journey = JourneySection {
                id: of.clone(),
                logged_in: true,
                since_login_ms: None,
                outcome: None,
                duration_ms: None,
                active_ms: None,
                hidden_ms: None,
                blocked_ms: None,
                failed: None,
                target_s: self.config.journey.target_seconds,
                met: None,
                last_field: None,
                steps: Vec::new(),
            };
        }
        beacon.fields = None;
        beacon.forms = Vec::new();
        beacon.page.speed = None;
        beacon.satisfaction = Some(rating);
        Some(beacon)
    }

    /// Applies what the page's own location says (`data-login-url`, `data-success-url`),
    /// matched against the raw `location.pathname`, which stays in the browser. Returns the
    /// beacon to send if the page confirms a successful submission.
    pub fn page_signals(&mut self, raw_path: &str, now: Now, beacon_id: [u8; 8]) -> Option<Beacon> {
        let journey = &self.config.journey;
        let login = journey
            .login_url
            .as_ref()
            .is_some_and(|p| p.matches(raw_path));
        let success = journey
            .success_url
            .as_ref()
            .is_some_and(|p| p.matches(raw_path));
        if login {
            self.command(Command::Login, now, beacon_id);
        }
        if success {
            return self.command(Command::Submitted, now, beacon_id);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mark_sentence_names_the_longest_step_name() {
        let longest = MAX_STEP_NAME.to_string();
        assert!(MARK.contains(&[" 1 to ", &longest, " "].concat()));
    }
}
