//! Any request body: the parser answers Ok or a described error, never panics, and what it
//! accepts reads back the same.
#![no_main]

use journey_collector::validate::BeaconValidator;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(beacons) = BeaconValidator::get().parse_body(data) {
        for beacon in beacons {
            let again = BeaconValidator::get()
                .parse_body(beacon.body.as_bytes())
                .expect("a stored body parses again");
            assert_eq!(again[0], beacon);
        }
    }
});
