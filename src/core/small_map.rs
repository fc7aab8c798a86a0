//! A map kept as a sorted `Vec` of pairs, found by binary search: what the probe needs of a map
//! (a few thousand fields at most) for a fraction of the wasm a `HashMap` costs (hashbrown and
//! its hasher: ~8 KB raw, ~3 KB brotli, measured).

use crate::core::prelude::*;

/// Pairs sorted by key; each key once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmallMap<K, V> {
    pairs: Vec<(K, V)>,
}

impl<K, V> Default for SmallMap<K, V> {
    fn default() -> Self {
        SmallMap { pairs: Vec::new() }
    }
}

impl<K: Ord, V> SmallMap<K, V> {
    fn find(&self, key: &K) -> Result<usize, usize> {
        self.pairs.binary_search_by(|(k, _)| k.cmp(key))
    }

    /// The value of `key`, if any.
    pub fn get(&self, key: &K) -> Option<&V> {
        self.find(key).ok().map(|i| &self.pairs[i].1)
    }

    /// Sets `key` to `value`, replacing what it had.
    pub fn insert(&mut self, key: K, value: V) {
        match self.find(&key) {
            Ok(i) => self.pairs[i].1 = value,
            Err(i) => self.pairs.insert(i, (key, value)),
        }
    }

    /// Takes `key` out, if it is there.
    pub fn remove(&mut self, key: &K) -> Option<V> {
        self.find(key).ok().map(|i| self.pairs.remove(i).1)
    }

    /// Keeps the pairs `keep` says yes to.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &V) -> bool) {
        self.pairs.retain(|(k, v)| keep(k, v));
    }

    /// How many pairs.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_is_a_map() {
        let mut m = SmallMap::default();
        for (k, v) in [(5, "e"), (1, "a"), (3, "c"), (1, "A")] {
            m.insert(k, v);
        }
        assert_eq!(
            (m.get(&1), m.get(&3), m.get(&2), m.len()),
            (Some(&"A"), Some(&"c"), None, 3)
        );
        assert_eq!(m.remove(&3), Some("c"));
        m.retain(|k, _| *k != 5);
        assert_eq!(m.pairs, [(1, "A")]);
        assert!(!m.is_empty());
    }
}
