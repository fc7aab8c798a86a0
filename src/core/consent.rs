//! Whether the probe may send: the citizen's signals and the portal's consent decide, and
//! sampling keeps only a share of journeys. The probe measures in memory either way; only
//! sending is held back or never done.

use crate::core::ids::JourneyId;

/// What may happen to a beacon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SendPolicy {
    /// Send it.
    Send,
    /// Keep it in memory until the portal says the citizen consented.
    Hold,
    /// Never send it: the browser asks not to be tracked (Global Privacy Control), the citizen
    /// opted out, or the journey is outside the sample.
    Never,
}

/// What the shell knows of the citizen's and the portal's wishes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Signals {
    /// `navigator.globalPrivacyControl === true`.
    pub global_privacy_control: bool,
    /// `JourneyProbe.optOut()` was called in this browser.
    pub opted_out: bool,
    /// `data-consent="required"`.
    pub consent_required: bool,
    /// `JourneyProbe.consent(true)` was called in this browser.
    pub consent_given: bool,
    /// The journey falls in the sample.
    pub sampled: bool,
}

/// Decides what may happen to beacons. The browser's and the citizen's refusals win over a
/// portal's consent.
pub fn policy(signals: Signals) -> SendPolicy {
    if signals.global_privacy_control || signals.opted_out || !signals.sampled {
        SendPolicy::Never
    } else if signals.consent_required && !signals.consent_given {
        SendPolicy::Hold
    } else {
        SendPolicy::Send
    }
}

/// Whether a journey falls in a sample of `rate` (0 < rate ≤ 1): decided from the journey's
/// random id, so it is decided once and the same on every page of the journey.
pub fn sampled(id: &JourneyId, rate: f64) -> bool {
    if rate >= 1.0 {
        return true;
    }
    let head = id
        .as_str()
        .get(..8)
        .and_then(|head| u32::from_str_radix(head, 16).ok())
        .unwrap_or(0);
    f64::from(head) < rate * 4_294_967_296.0
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL_CLEAR: Signals = Signals {
        global_privacy_control: false,
        opted_out: false,
        consent_required: false,
        consent_given: false,
        sampled: true,
    };

    #[test]
    fn refusals_win_over_consent() {
        assert_eq!(policy(ALL_CLEAR), SendPolicy::Send);
        assert_eq!(
            policy(Signals {
                consent_required: true,
                ..ALL_CLEAR
            }),
            SendPolicy::Hold
        );
        assert_eq!(
            policy(Signals {
                consent_required: true,
                consent_given: true,
                ..ALL_CLEAR
            }),
            SendPolicy::Send
        );
        for refusal in [
            Signals {
                global_privacy_control: true,
                consent_given: true,
                ..ALL_CLEAR
            },
            Signals {
                opted_out: true,
                consent_given: true,
                ..ALL_CLEAR
            },
            Signals {
                sampled: false,
                ..ALL_CLEAR
            },
        ] {
            assert_eq!(policy(refusal), SendPolicy::Never, "{refusal:?}");
        }
    }

    #[test]
    fn sampling_keeps_about_the_share_asked_and_decides_once() {
        let kept = (0..10_000u32)
            .filter(|i| {
                let mut bytes = [0u8; 16];
                bytes[..4].copy_from_slice(&i.wrapping_mul(2_654_435_761).to_be_bytes());
                sampled(&JourneyId::from_random(bytes), 0.1)
            })
            .count();
        assert!((900..1_100).contains(&kept), "{kept} of 10000");
        let id = JourneyId::from_random([0x10; 16]);
        assert_eq!(sampled(&id, 0.1), sampled(&id, 0.1));
        assert!(sampled(&JourneyId::from_random([0xff; 16]), 1.0));
        assert!(!sampled(&JourneyId::from_random([0xff; 16]), 0.5));
    }
}
