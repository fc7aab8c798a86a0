//! QCVN criterion 4: one satisfaction question after a successful submission. The answer is a
//! score from 1 to 5 and, optionally, reasons from a fixed list — never free text, which would
//! carry personal data — attached to the journey's random id only (Decree 42 Art. 13.5(b):
//! the rater stays confidential). A journey is asked at most once; a dismissal is "no
//! answer", not "dissatisfied".

use crate::core::prelude::*;

use crate::core::json::Object;

/// The reasons a citizen may pick, as beacons carry them.
pub const REASONS: [&str; 5] = [
    "too_slow",
    "re_enter_data",
    "unclear_errors",
    "hard_on_mobile",
    "other",
];

/// Where a journey stands with the question (kept with the journey, across pages).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SurveyState {
    /// Not asked yet.
    #[default]
    NotAsked,
    /// The question was shown (it is not shown again).
    Shown,
    /// The citizen answered.
    Answered,
    /// The citizen closed the question without answering.
    Dismissed,
}

impl SurveyState {
    /// One character for the stored journey.
    pub fn as_char(self) -> char {
        match self {
            SurveyState::NotAsked => 'n',
            SurveyState::Shown => 's',
            SurveyState::Answered => 'a',
            SurveyState::Dismissed => 'd',
        }
    }

    /// Reads [`SurveyState::as_char`] back.
    pub fn from_char(c: char) -> Option<SurveyState> {
        Some(match c {
            'n' => SurveyState::NotAsked,
            's' => SurveyState::Shown,
            'a' => SurveyState::Answered,
            'd' => SurveyState::Dismissed,
            _ => return None,
        })
    }

    /// Whether a rating would still be taken.
    pub fn open(self) -> bool {
        matches!(self, SurveyState::NotAsked | SurveyState::Shown)
    }
}

/// A citizen's rating.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rating {
    /// A score from 1 (very dissatisfied) to 5 (very satisfied), with reasons from [`REASONS`].
    Score {
        /// 1 to 5.
        score: u8,
        /// Indexes into [`REASONS`], in list order, each once.
        reasons: Vec<usize>,
    },
    /// Closed without an answer.
    Dismissed,
}

/// What `rate` accepts, for messages.
pub const RATE_ACCEPTED: &str = crate::core::sentences::RATE;

impl Rating {
    /// Parses `5`, `2:too_slow,re_enter_data` or `dismissed`.
    pub fn parse(text: &str) -> Option<Rating> {
        if text == "dismissed" {
            return Some(Rating::Dismissed);
        }
        let (score, reasons) = text.split_once(':').unwrap_or((text, ""));
        let score: u8 = score.trim().parse().ok().filter(|s| (1..=5).contains(s))?;
        // Which reasons, in the order of REASONS, each once (no sort: a flag per reason).
        let mut chosen = [false; REASONS.len()];
        for reason in reasons.split(',').map(str::trim).filter(|r| !r.is_empty()) {
            chosen[REASONS.iter().position(|r| *r == reason)?] = true;
        }
        let picked: Vec<usize> = (0..REASONS.len()).filter(|&i| chosen[i]).collect();
        Some(Rating::Score {
            score,
            reasons: picked,
        })
    }

    /// Whether it counts as satisfied (4 or 5).
    pub fn satisfied(&self) -> bool {
        matches!(self, Rating::Score { score, .. } if *score >= 4)
    }

    /// Writes the beacon's `satisfaction` object.
    pub fn write(&self, o: &mut Object<'_>) {
        match self {
            Rating::Dismissed => {
                o.bool("answered", false);
            }
            Rating::Score { score, reasons } => {
                let names: Vec<String> = reasons.iter().map(|&i| REASONS[i].to_string()).collect();
                o.bool("answered", true).uint("score", u64::from(*score));
                if !names.is_empty() {
                    o.strings("reasons", &names);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_are_scores_with_listed_reasons_or_a_dismissal() {
        assert_eq!(
            Rating::parse("5"),
            Some(Rating::Score {
                score: 5,
                reasons: vec![]
            })
        );
        assert_eq!(
            Rating::parse("2:re_enter_data, too_slow,too_slow"),
            Some(Rating::Score {
                score: 2,
                reasons: vec![0, 1]
            })
        );
        assert_eq!(Rating::parse("dismissed"), Some(Rating::Dismissed));
        for bad in ["0", "6", "", "4.5", "3:slow", "3:Nguyễn Văn A", "five"] {
            assert_eq!(Rating::parse(bad), None, "{bad}");
        }
        assert!(Rating::parse("4").unwrap().satisfied());
        assert!(!Rating::parse("3").unwrap().satisfied());
        assert!(!Rating::Dismissed.satisfied());
    }

    #[test]
    fn states_round_trip_and_close_once_answered() {
        for s in [
            SurveyState::NotAsked,
            SurveyState::Shown,
            SurveyState::Answered,
            SurveyState::Dismissed,
        ] {
            assert_eq!(SurveyState::from_char(s.as_char()), Some(s));
        }
        assert!(SurveyState::Shown.open() && !SurveyState::Dismissed.open());
    }

    #[test]
    fn writes_the_beacon_object() {
        let mut out = String::new();
        Rating::parse("2:too_slow")
            .unwrap()
            .write(&mut Object::open(&mut out));
        assert_eq!(out, r#"{"answered":true,"score":2,"reasons":["too_slow"]}"#);
        let mut out = String::new();
        Rating::Dismissed.write(&mut Object::open(&mut out));
        assert_eq!(out, r#"{"answered":false}"#);
    }
}
