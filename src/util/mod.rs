//! The ground floor: small generic helpers that know nothing of the model
//! (quantiles and means, the normal quantile function, content hashes).
//! Every other module may use them; they use nothing of the crate.

pub mod hash;
pub mod normal;
pub mod stats;
