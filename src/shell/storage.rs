//! The journey's home between page loads: `sessionStorage`, so it lives exactly as long as the
//! tab and is never shared with other tabs or sent anywhere (unlike a cookie).
//!
//! The outbox's home: `localStorage`, shared by every tab of the portal, so it is never written
//! whole from one tab's copy — every write reads what is stored and merges first (the rule is
//! the core's `Outbox::merge`).

use crate::core::journey::Journey;
use crate::core::outbox::Outbox;

/// The `sessionStorage` key the journey is kept under (versioned with the stored format).
pub const KEY: &str = "journey-probe:v1";

fn session_storage() -> Option<web_sys::Storage> {
    // Throws in sandboxed frames and with storage disabled: then journeys are per page.
    web_sys::window()?.session_storage().ok().flatten()
}

/// The journey the tab stored, if there is one and it is well-formed; anything else (absent,
/// unparsable, edited by hand) is treated as no journey.
pub fn load() -> Option<Journey> {
    Journey::decode(&session_storage()?.get_item(KEY).ok().flatten()?)
}

/// Stores the journey; returns whether it was written (a full or disabled storage is not an
/// error the page should see).
pub fn save(journey: &Journey) -> bool {
    let Some(storage) = session_storage() else {
        return false;
    };
    storage.set_item(KEY, &journey.encode()).is_ok()
}

/// The `localStorage` key the outbox is kept under: beacons waiting for the collector survive
/// the tab, so that a collector that was down gets them on the citizen's next page.
pub const OUTBOX_KEY: &str = "journey-probe:outbox";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The outbox the browser kept (empty if none or unreadable).
pub fn load_outbox() -> Outbox {
    local_storage()
        .and_then(|s| s.get_item(OUTBOX_KEY).ok().flatten())
        .map(|text| Outbox::decode(&text))
        .unwrap_or_default()
}

/// Takes into `outbox` what is stored now: other tabs of the portal write there too (beacons
/// they queued, beacons they saw answered). The merge rule is the core's ([`Outbox::merge`]).
pub fn merge_stored_outbox(outbox: &mut Outbox) {
    if let Some(text) = local_storage().and_then(|s| s.get_item(OUTBOX_KEY).ok().flatten()) {
        outbox.merge(Outbox::decode(&text));
    }
}

/// Stores the outbox, merged first with what is stored (so that another tab's beacons are
/// never overwritten); `outbox` becomes the merge. Removes the key when there is nothing to
/// keep. Returns whether it was written.
pub fn save_outbox(outbox: &mut Outbox) -> bool {
    merge_stored_outbox(outbox);
    write_outbox(outbox)
}

/// Writes the outbox as it is: only right after [`merge_stored_outbox`], in the same task.
pub fn write_outbox(outbox: &Outbox) -> bool {
    let Some(storage) = local_storage() else {
        return false;
    };
    if outbox.is_blank() {
        storage.remove_item(OUTBOX_KEY).is_ok()
    } else {
        storage.set_item(OUTBOX_KEY, &outbox.encode()).is_ok()
    }
}

/// Forgets the stored outbox, whatever other tabs put in it (consent withdrawn).
pub fn clear_outbox() {
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(OUTBOX_KEY);
    }
}

/// `localStorage` key that remembers the citizen's consent (`data-consent="required"`).
pub const CONSENT_KEY: &str = "journey-probe:consent";
/// `localStorage` key that remembers the citizen opted out.
pub const OPT_OUT_KEY: &str = "journey-probe:opt-out";

/// Whether a flag is set in `localStorage`.
pub fn flag(key: &str) -> bool {
    local_storage()
        .and_then(|s| s.get_item(key).ok().flatten())
        .is_some_and(|v| v == "1")
}

/// Sets or clears a flag in `localStorage`.
pub fn set_flag(key: &str, on: bool) {
    if let Some(storage) = local_storage() {
        let _ = if on {
            storage.set_item(key, "1")
        } else {
            storage.remove_item(key)
        };
    }
}

/// Forgets everything the probe stored: the journey, the outbox, the consent. Then remembers
/// only that the citizen opted out.
pub fn opt_out() {
    if let Some(storage) = session_storage() {
        let _ = storage.remove_item(KEY);
    }
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(OUTBOX_KEY);
        let _ = storage.remove_item(CONSENT_KEY);
    }
    set_flag(OPT_OUT_KEY, true);
}
