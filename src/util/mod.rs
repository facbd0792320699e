//! The ground floor: small generic helpers that know nothing of the model
//! (quantiles and means, the normal quantile function, random draws,
//! content hashes, safe file names).
//! Every other module may use them; they use nothing of the crate.

pub mod hash;
pub mod names;
pub mod normal;
pub mod random;
pub mod stats;
