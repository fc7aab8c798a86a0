//! `JourneyProbe.snapshot()`: what the probe sees on this page, for QA testers and the
//! overlay — never a value.

use crate::core::prelude::*;

use super::{Now, Probe};
use crate::core::journey::Step;
use crate::core::json::Object;
use crate::core::time::round_ms;

impl Probe {
    /// What the probe sees on this page, as the JSON text `JourneyProbe.snapshot()` parses:
    /// service, journey, page view, path as sent, and every field's key, form, origin, source,
    /// flags and counters — never a value. The journey id is the random one beacons carry.
    pub fn snapshot_json(&mut self, now: Now) -> String {
        self.tick(now);
        let journey = &self.journey;
        let forms = self.fields.forms();
        let summaries = self.form_summaries();
        let mut out = String::with_capacity(256 + 160 * self.fields.all().len());
        let step = self.step.as_ref().map(|(name, elapsed, active)| Step {
            name: name.clone(),
            ms: journey.clock.elapsed_ms - elapsed,
            active_ms: journey.clock.active_ms - active,
        });
        Object::open(&mut out)
            .str("service", self.config.service.as_str())
            .str("journey", journey.id.as_str())
            .bool("logged_in", journey.login_at.is_some())
            .bool("submitted", journey.submitted_at.is_some())
            .uint("page", journey.page_index().into())
            .str("path", &self.path)
            .opt_object("speed", self.speed(), |o, (speed, key)| {
                speed.write(o, |_| key.clone());
            })
            .object("clock", |c| {
                let clock = &journey.clock;
                c.opt_uint("since_login_ms", journey.since_login_ms())
                    .uint("active_ms", round_ms(clock.active_ms))
                    .uint("hidden_ms", round_ms(clock.hidden_ms))
                    .uint("blocked_ms", round_ms(clock.blocked_ms))
                    .uint("failed", clock.failed.into())
                    .uint("target_s", self.config.journey.target_seconds.into())
                    .array(
                        "steps",
                        journey.steps.iter().chain(step.as_ref()),
                        |o, s| {
                            o.str("name", &s.name)
                                .uint("ms", round_ms(s.ms))
                                .uint("active_ms", round_ms(s.active_ms));
                        },
                    );
            })
            .array("forms", forms.iter().zip(summaries), |o, (form, s)| {
                let all = self.fields.all();
                let blocked_by: Vec<String> = form
                    .blocked_by
                    .iter()
                    .filter_map(|&i| all.get(i).map(|f| f.key.clone()))
                    .collect();
                o.str("key", &form.key)
                    .uint("total", s.total.into())
                    .uint("prefilled", s.prefilled.into())
                    .uint("typed", s.typed.into())
                    .uint("overwritten", s.overwritten.into())
                    .uint("attempts", form.attempts.into())
                    .uint("blocked", form.blocked.into())
                    .strings("blocked_by", &blocked_by);
            })
            .array(
                "fields",
                self.fields.reported(),
                |o, (index, field, removed)| {
                    let c = field.rounded_counters(now.page_ms);
                    o.uint("index", index as u64)
                        .str("key", &field.key)
                        .str("form", forms.get(field.form).map_or("", |f| f.key.as_str()))
                        .str("origin", field.origin().as_str())
                        .opt_str("source", field.prefill_source.as_deref())
                        .bool("overwritten", field.overwritten())
                        .bool("locked", field.locked)
                        .bool("removed", removed)
                        .opt_uint("filled", field.filled_order.map(u64::from))
                        .uint("focus_ms", c.focus_ms)
                        .uint("visits", c.visits.into())
                        .opt_uint("hesitation_ms", c.hesitation_ms)
                        .uint("corrections", c.corrections.into())
                        .uint("pastes", c.pastes.into())
                        .uint("invalid", c.invalid.into())
                        .uint("refocus", c.refocus.into());
                },
            );
        out
    }
}
