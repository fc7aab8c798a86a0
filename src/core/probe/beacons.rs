//! What the probe sends: a page view's beacon as the page is hidden or left, its forms and
//! fields one by one, and its speed.

use crate::core::prelude::*;

use super::{Now, Probe};
use crate::core::beacon::{
    Beacon, FieldReport, FormReport, FormSummary, JourneySection, Outcome, PageSection, Trigger,
    MAX_REPORTED_FIELDS, VERSION,
};
use crate::core::ids::BeaconId;
use crate::core::time::round_ms;
use crate::core::vitals::{Entry, Speed};

impl Probe {
    /// The page became visible again: the next hide sends a fresh beacon.
    pub fn page_visible(&mut self) {
        self.sent_since_visible = false;
    }

    /// The page is being hidden or left. Returns the beacon to send, unless one already went
    /// out since the page was last visible (a navigation fires both `visibilitychange` and
    /// `pagehide`; the citizen's page must be counted once).
    pub fn page_hidden(
        &mut self,
        trigger: Trigger,
        now: Now,
        beacon_id: [u8; 8],
    ) -> Option<Beacon> {
        self.tick(now);
        self.vitals.hidden();
        if trigger == Trigger::Pagehide {
            self.end_step(now);
            // Left within 30 s of a submit: the next page is the server's answer to it.
            self.journey.via_submit = self
                .submitted_form_at
                .is_some_and(|t| now.page_ms - t < 30_000.0);
        }
        if self.sent_since_visible {
            return None;
        }
        self.sent_since_visible = true;
        Some(self.beacon(trigger, now, beacon_id))
    }

    pub(super) fn beacon(&mut self, trigger: Trigger, now: Now, id: [u8; 8]) -> Beacon {
        let seq = self.journey.take_seq();
        let journey = &self.journey;
        let (fields, forms) = if self.fields.is_empty() {
            (None, Vec::new())
        } else {
            (Some(self.fields.counts()), self.form_reports(now))
        };
        Beacon {
            v: VERSION,
            id: BeaconId::from_random(id),
            seq,
            trigger,
            service: self.config.service.clone(),
            journey: JourneySection {
                id: journey.id.clone(),
                logged_in: journey.login_at.is_some(),
                since_login_ms: journey.since_login_ms(),
                outcome: journey.submitted_at.map(|_| Outcome::Submitted),
                duration_ms: journey.duration_ms(),
                active_ms: journey.login_at.map(|_| round_ms(journey.clock.active_ms)),
                hidden_ms: journey.login_at.map(|_| round_ms(journey.clock.hidden_ms)),
                blocked_ms: journey.login_at.map(|_| round_ms(journey.clock.blocked_ms)),
                failed: journey.login_at.map(|_| journey.clock.failed),
                target_s: self.config.journey.target_seconds,
                met: journey
                    .duration_ms()
                    .map(|d| d < u64::from(self.config.journey.target_seconds) * 1000),
                last_field: None,
                steps: Vec::new(),
            },
            page: PageSection {
                n: journey.page_index(),
                path: self.path.clone(),
                t_ms: round_ms(now.page_ms),
                speed: self.speed(),
            },
            fields,
            forms,
            ua: self.ua.clone(),
            dropped: 0,
            satisfaction: None,
        }
    }

    /// Per form (by index), its fields counted by what filled them: criterion 1 per form.
    pub(super) fn form_summaries(&self) -> Vec<FormSummary> {
        let mut summaries = vec![FormSummary::default(); self.fields.forms().len()];
        for (_, field, _) in self.fields.reported() {
            if let Some(summary) = summaries.get_mut(field.form) {
                let origin = field.origin();
                summary.total += 1;
                summary.prefilled += u32::from(origin.is_prefill());
                summary.typed += u32::from(origin == crate::core::field::Origin::User);
                summary.overwritten += u32::from(field.overwritten());
            }
        }
        summaries
    }

    /// Per form, its attempts and up to [`MAX_REPORTED_FIELDS`] fields in all (in page
    /// order); the rest are counted as omitted.
    pub(super) fn form_reports(&self, now: Now) -> Vec<FormReport> {
        let all = self.fields.all();
        let summaries = self.form_summaries();
        let mut reports: Vec<FormReport> = self
            .fields
            .forms()
            .iter()
            .zip(summaries)
            .map(|(form, summary)| FormReport {
                key: form.key.clone(),
                attempts: form.attempts,
                blocked: form.blocked,
                blocked_by: form
                    .blocked_by
                    .iter()
                    .filter_map(|&i| all.get(i))
                    .map(|f| f.key.clone())
                    .collect(),
                summary,
                fields: Vec::new(),
                omitted: 0,
            })
            .collect();
        let mut room = MAX_REPORTED_FIELDS;
        for (_, field, removed) in self.fields.reported() {
            let Some(report) = reports.get_mut(field.form) else {
                continue;
            };
            if room == 0 {
                report.omitted += 1;
                continue;
            }
            room -= 1;
            report.fields.push(FieldReport {
                key: field.key.clone(),
                origin: field.origin(),
                source: field.prefill_source.clone(),
                locked: field.locked,
                overwritten: field.overwritten(),
                removed,
                filled: field.filled_order,
                counters: field.rounded_counters(now.page_ms),
            });
        }
        reports.retain(|r| !r.fields.is_empty() || r.omitted > 0 || r.attempts > 0);
        reports
    }

    /// A Performance entry the loader observed (see [`crate::core::vitals`]).
    pub fn perf_entry(&mut self, entry: Entry) {
        let via_submit = self.journey.via_submit;
        self.vitals.entry(entry, via_submit);
    }

    /// The page came back from the back/forward cache and painted `paint_ms` later.
    pub fn perf_restored(&mut self, paint_ms: f64) {
        self.vitals.restored(paint_ms);
    }

    /// The page view's speed so far, with the key of the field that set INP.
    pub(super) fn speed(&self) -> Option<(Speed, Option<String>)> {
        if self.vitals.is_empty() {
            return None;
        }
        let speed = self.vitals.speed();
        let key = speed
            .inp_field
            .and_then(|i| self.fields.all().get(i))
            .map(|f| f.key.clone());
        Some((speed, key))
    }
}
