//! The KLE journal plan (KL's Emnesystematik): codes, titles, keywords, handling facets.
//!
//! Danish municipalities journal every case under a KLE code: hovedgruppe `NN` (e.g. `00`
//! Kommunens styrelse), gruppe `NN.NN`, emne `NN.NN.NN` (about 2,400 emner in 37
//! hovedgrupper), plus a handling facet such as `G01`, `P22` or `Ø34`. This module gives
//! - [`KleCode`] and [`Facet`]: the codes as small `Copy` values that parse strictly and
//!   know their place in the hierarchy;
//! - [`Taxonomy`]: the plan a municipality uses, with titles, weighted keywords, facets,
//!   outdated flags and retention hints, loaded from the files municipalities have:
//!   - OS2KLE (open data, MPL-2.0) in its TXT and JSON forms: weighted keywords per emne,
//!     the basis of a model that works without training data;
//!   - KL's own KLE XML, version 2.0 (`KLE-Emneplan`, `KLE-Handlingsfacetter`) and the REST
//!     "fuld" form with keywords. KL's file is licensed to each municipality and is not
//!     shipped with libsignatur.
//!
//! On the command line a taxonomy is named `os2kle:PATH` or `kle-xml:PATH`
//! ([`Taxonomy::from_spec`]).
//!
//! ```
//! # fn example() -> Result<(), Box<dyn std::error::Error>> {
//! use signatur::kle::{KleCode, Level, Taxonomy};
//! let taxonomy = Taxonomy::from_os2kle_txt(
//!     "KLENummer='32.18.00':KLETitel='Sociale ydelser i almindelighed':Keywords[Weight]=ydelse[5];\n\
//!      KLENummer='32.18.02':KLETitel='Særlige ydelser':Keywords[Weight]=særlig ydelse[5];\n",
//! )?;
//! let emne = taxonomy.validate_label("32.18.02")?;
//! // A decision unsure of the emne can fall back to its gruppe and the emner under it.
//! let gruppe = emne.at_level(Level::Gruppe).ok_or("no gruppe")?;
//! assert_eq!(gruppe, KleCode::parse("32.18")?);
//! assert_eq!(taxonomy.emner_under(&gruppe).count(), 2);
//! # Ok(()) }
//! # example().unwrap();
//! ```

mod code;
mod facet;
mod kl_xml;
mod os2kle;
mod retention;
mod source;
mod taxonomy;
mod xml;

pub use code::{KleCode, Level};
pub use facet::Facet;
pub use retention::{Preservation, Retention, RetentionPeriod};
pub(crate) use source::{read_bounded, LineIndex};
pub use taxonomy::{
    FacetCategory, FacetEntry, Keyword, KleEntry, Outdated, Taxonomy, TaxonomyFormat,
    DEFAULT_KEYWORD_WEIGHT, MAX_TAXONOMY_BYTES,
};
