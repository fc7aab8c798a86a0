//! What std's prelude gives every module and a `no_std` build lacks: the core uses `alloc`'s
//! strings, vectors and boxes, so that the same code builds with std (native tests) and
//! without it (the wasm).

pub use alloc::borrow::ToOwned;
pub use alloc::boxed::Box;
pub use alloc::format;
pub use alloc::string::{String, ToString};
pub use alloc::vec;
pub use alloc::vec::Vec;
