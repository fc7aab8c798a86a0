//! A tiny seeded PRNG (splitmix64): the whole population follows from one `u64`, so a failing
//! seed can be replayed exactly, and no crate is needed for it.

/// splitmix64 (Steele, Lea, Flood 2014): one multiply-xorshift per draw, good enough for
/// test data and trivially reproducible.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`; different seeds give unrelated streams.
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03)
    }

    /// An independent generator drawn from this one (a tab's own stream).
    pub fn fork(&mut self) -> Rng {
        Rng(self.next_u64())
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A whole number in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        assert!(lo <= hi, "empty range {lo}..={hi}");
        lo + (self.next_u64() % ((hi - lo) as u64 + 1)) as i64
    }

    /// A multiple of `unit` in `lo..=hi` (both multiples of `unit`): times in beacons are
    /// multiples of 100 ms, speed figures of 10 ms.
    pub fn step(&mut self, lo: i64, hi: i64, unit: i64) -> i64 {
        self.range(lo / unit, hi / unit) * unit
    }

    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next_u64() % items.len() as u64) as usize]
    }

    /// `len` lowercase hex digits without a run of 6 decimal digits (the contract's rule for
    /// anything that could look like a citizen's number).
    pub fn hex_id(&mut self, len: usize) -> String {
        loop {
            let id: String = (0..len)
                .map(|_| char::from_digit((self.next_u64() % 16) as u32, 16).unwrap())
                .collect();
            if !has_digit_run(&id, 6) {
                return id;
            }
        }
    }
}

/// Whether `text` has `run` or more consecutive ASCII digits.
pub fn has_digit_run(text: &str, run: usize) -> bool {
    let mut current = 0;
    for b in text.bytes() {
        current = if b.is_ascii_digit() { current + 1 } else { 0 };
        if current >= run {
            return true;
        }
    }
    false
}
